// TimingMode: LT (b_transport, temporal decoupling) or AT (4-phase nb_transport, queues,
// back-pressure); chosen per scenario and shared by every initiator and target.
#pragma once

namespace savp::sc {
enum class TimingMode { LT, AT };
}
