// savp rtl build: see rtl_build.hpp.
#include "testbenches/savp/rtl_build.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "testbenches/cosim/plugin/rtl_protocols.hpp"
#include "testbenches/savp/child_process.hpp"

namespace savp::tb {

namespace fs = std::filesystem;

namespace {

constexpr int kOk = 0, kBadInput = 2;

const char* kRtlUsage =
    "usage: savp rtl build SOURCES... --top MODULE --protocol NAME [--param K=V]... [-I DIR]...\n"
    "                      [-D NAME[=VALUE]]... -o BLOCK.so\n"
    "Verilates SOURCES (SystemVerilog/Verilog files) with top MODULE, checks its ports against the\n"
    "protocol (topk-v1, salo-array-v1), and writes an RTL plugin that a scenario loads with\n"
    "\"backend\": {\"rtl\": \"BLOCK.so\"}. K=V sets a top-level parameter (integer), -I adds an include\n"
    "directory, -D a define (integer or identifier value). Work files: BLOCK.so.build/.\n"
    "Exit codes: 0 built; 2 bad arguments, sources that do not verilate, a port mismatch, a failed "
    "compile.\n";

struct BuildError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool is_identifier(const std::string& s) {
  static const std::regex id("[A-Za-z_][A-Za-z0-9_]*");
  return std::regex_match(s, id);
}
bool is_integer(const std::string& s) {
  static const std::regex num("-?[0-9]+");
  return std::regex_match(s, num) && s.size() < 20;
}

struct Options {
  std::vector<std::string> sources, includes, defines;
  std::vector<std::pair<std::string, std::string>> params;
  std::string top, protocol, out;
};

Options parse(const std::vector<std::string>& a) {
  Options o;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string& s = a[i];
    auto value = [&](const std::string& opt) -> std::string {
      if (i + 1 >= a.size()) throw BuildError(opt + " needs a value");
      return a[++i];
    };
    if (s == "--top") {
      o.top = value(s);
      if (!is_identifier(o.top))
        throw BuildError("--top: \"" + o.top + "\" is not a module name (an identifier)");
    } else if (s == "--protocol") {
      o.protocol = value(s);
      if (cosim::find_protocol(o.protocol) == nullptr) {
        throw BuildError("--protocol: unknown protocol \"" + o.protocol +
                         "\" (known: " + cosim::protocol_names() + ")");
      }
    } else if (s == "--param") {
      const std::string kv = value(s);
      const std::size_t eq = kv.find('=');
      const std::string k = kv.substr(0, eq), v = eq == std::string::npos ? "" : kv.substr(eq + 1);
      if (eq == std::string::npos || !is_identifier(k) || !is_integer(v)) {
        throw BuildError("--param: \"" + kv + "\" is not NAME=INTEGER (NAME an identifier, INTEGER decimal)");
      }
      o.params.emplace_back(k, v);
    } else if (s == "-I") {
      const std::string d = value(s);
      if (!fs::is_directory(d)) throw BuildError("-I: \"" + d + "\" is not a directory");
      o.includes.push_back(d);
    } else if (s == "-D") {
      const std::string d = value(s);
      const std::size_t eq = d.find('=');
      const std::string k = d.substr(0, eq), v = eq == std::string::npos ? "" : d.substr(eq + 1);
      if (!is_identifier(k) || (eq != std::string::npos && !is_integer(v) && !is_identifier(v))) {
        throw BuildError("-D: \"" + d + "\" is not NAME or NAME=VALUE (identifier, integer or identifier)");
      }
      o.defines.push_back(d);
    } else if (s == "-o") {
      o.out = value(s);
    } else if (!s.empty() && s[0] == '-') {
      throw BuildError("unknown option \"" + s + "\"");
    } else {
      if (!fs::is_regular_file(s)) throw BuildError("source \"" + s + "\" is not a readable file");
      o.sources.push_back(s);
    }
  }
  if (o.sources.empty()) throw BuildError("no SOURCES");
  if (o.top.empty()) throw BuildError("missing --top MODULE");
  if (o.protocol.empty()) throw BuildError("missing --protocol NAME (" + cosim::protocol_names() + ")");
  if (o.out.empty()) throw BuildError("missing -o BLOCK.so");
  const fs::path parent = fs::absolute(o.out).parent_path();
  if (!fs::is_directory(parent)) throw BuildError("-o: directory \"" + parent.string() + "\" does not exist");
  return o;
}

// Runs argv; on failure throws with `what` and the tail of the tool's output.
std::string run(const std::vector<std::string>& argv, const std::string& what, const std::string& log) {
  int code = 0;
  std::string text;
  try {
    text = run_captured(argv, code);
  } catch (const std::runtime_error& e) {
    throw BuildError(what + ": " + e.what());
  }
  {
    std::ofstream f(log, std::ios::app);
    f << "$";
    for (const std::string& a : argv) f << " " << a;
    f << "\n" << text;
  }
  if (code != 0) {
    const std::string tail = text.size() > 4000 ? "..." + text.substr(text.size() - 4000) : text;
    throw BuildError(what + " failed (exit code " + std::to_string(code) + "; full log " + log + "):\n" +
                     tail);
  }
  return text;
}

std::vector<cosim::BlockPort> read_ports(const fs::path& header) {
  std::ifstream f(header);
  if (!f) throw BuildError("Verilator wrote no " + header.string());
  static const std::regex decl(R"(VL_(IN|OUT|INOUT)(8|16|64|W)?\(&(\w+),(\d+),(\d+))");
  std::vector<cosim::BlockPort> ports;
  std::string line;
  while (std::getline(f, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, decl)) continue;
    if (m[1] == "INOUT")
      throw BuildError("port " + m[3].str() + " is an inout: protocols have inputs and outputs only");
    const auto msb = std::stoul(m[4].str()), lsb = std::stoul(m[5].str());
    ports.push_back({m[3].str(), m[1] == "IN", static_cast<std::uint32_t>(msb - lsb + 1)});
  }
  return ports;
}

std::string shim(const Options& o, const cosim::ProtocolSpec& spec,
                 const std::vector<cosim::BlockPort>& ports) {
  std::string params;
  for (const auto& [k, v] : o.params) params += (params.empty() ? "" : " ") + k + "=" + v;
  std::ostringstream s;
  s << "// Generated by savp rtl build: the C ABI of savp_rtl_plugin.h around the verilated " << o.top
    << ".\n"
    << "#include <cstdint>\n#include <memory>\n\n"
    << "#include \"Vblock.h\"\n#include \"verilated.h\"\n#include \"verilated_fst_c.h\"\n"
    << "#include \"savp_rtl_plugin.h\"\n\n"
    << "#define SAVP_EXPORT extern \"C\" __attribute__((visibility(\"default\")))\n\n"
    << "namespace {\n"
    << "struct Block {\n  VerilatedContext ctx;\n  std::unique_ptr<Vblock> top;\n"
    << "  std::unique_ptr<VerilatedFstC> fst;\n};\n"
    << "template <typename T>\nvoid put(T& f, const uint32_t* w, uint32_t width) {\n"
    << "  uint64_t v = w[0];\n  if (width > 32) v |= uint64_t{w[1]} << 32;\n"
    << "  if (width < 64) v &= (uint64_t{1} << width) - 1;\n  f = static_cast<T>(v);\n}\n"
    << "template <typename T>\nvoid take(const T& f, uint32_t* w, uint32_t width) {\n"
    << "  const uint64_t v = f;\n  w[0] = static_cast<uint32_t>(v);\n"
    << "  if (width > 32) w[1] = static_cast<uint32_t>(v >> 32);\n}\n"
    << "template <std::size_t N>\nvoid put(VlWide<N>& f, const uint32_t* w, uint32_t width) {\n"
    << "  for (std::size_t i = 0; i < N; ++i) f[i] = w[i];\n"
    << "  if (width % 32 != 0) f[N - 1] &= (uint32_t{1} << (width % 32)) - 1;\n}\n"
    << "template <std::size_t N>\nvoid take(const VlWide<N>& f, uint32_t* w, uint32_t) {\n"
    << "  for (std::size_t i = 0; i < N; ++i) w[i] = f[i];\n}\n"
    << "const char* const kNames[] = {";
  for (const auto& p : ports) s << "\"" << p.name << "\", ";
  s << "};\nconst uint32_t kWidths[] = {";
  for (const auto& p : ports) s << p.width << ", ";
  s << "};\nconst uint32_t kInputs[] = {";
  for (const auto& p : ports) s << (p.input ? 1 : 0) << ", ";
  s << "};\nVblock& top(void* b) { return *static_cast<Block*>(b)->top; }\n"
    << "void edge(Vblock& t) {\n  t.clk = 0;\n  t.eval();\n  t.clk = 1;\n  t.eval();\n}\n"
    << "}  // namespace\n\n"
    << "SAVP_EXPORT const char* savp_rtl_protocol(void) { return \"" << spec.name << "\"; }\n"
    << "SAVP_EXPORT uint32_t savp_rtl_protocol_version(void) { return " << spec.version << "; }\n"
    << "SAVP_EXPORT uint32_t savp_rtl_abi_version(void) { return SAVP_RTL_PLUGIN_ABI_VERSION; }\n"
    << "SAVP_EXPORT const char* savp_rtl_top(void) { return \"" << o.top << "\"; }\n"
    << "SAVP_EXPORT const char* savp_rtl_params(void) { return \"" << params << "\"; }\n"
    << "SAVP_EXPORT void* savp_rtl_create(void) {\n  auto* b = new Block;\n  b->ctx.traceEverOn(true);\n"
    << "  b->top.reset(new Vblock(&b->ctx, \"" << o.top << "\"));\n  return b;\n}\n"
    << "SAVP_EXPORT void savp_rtl_destroy(void* b) {\n  auto* p = static_cast<Block*>(b);\n"
    << "  if (p->fst) p->fst->close();\n  p->top->final();\n  delete p;\n}\n"
    << "SAVP_EXPORT void savp_rtl_reset(void* b) {\n  Vblock& t = top(b);\n  t.rst = 1;\n  edge(t);\n"
    << "  edge(t);\n  t.rst = 0;\n  edge(t);\n}\n"
    << "SAVP_EXPORT void savp_rtl_eval(void* b) { top(b).eval(); }\n"
    << "SAVP_EXPORT uint32_t savp_rtl_port_count(void) { return " << ports.size() << "; }\n"
    << "SAVP_EXPORT const char* savp_rtl_port_name(uint32_t p) { return p < " << ports.size()
    << " ? kNames[p] : \"\"; }\n"
    << "SAVP_EXPORT uint32_t savp_rtl_port_width(uint32_t p) { return p < " << ports.size()
    << " ? kWidths[p] : 0; }\n"
    << "SAVP_EXPORT uint32_t savp_rtl_port_is_input(uint32_t p) { return p < " << ports.size()
    << " ? kInputs[p] : 0; }\n"
    << "SAVP_EXPORT void savp_rtl_set(void* b, uint32_t p, const uint32_t* w) {\n  Vblock& t = top(b);\n"
    << "  switch (p) {\n";
  for (std::size_t i = 0; i < ports.size(); ++i) {
    if (ports[i].input)
      s << "    case " << i << ": put(t." << ports[i].name << ", w, " << ports[i].width << "); break;\n";
  }
  s << "    default: break;\n  }\n}\n"
    << "SAVP_EXPORT void savp_rtl_get(void* b, uint32_t p, uint32_t* w) {\n  Vblock& t = top(b);\n  switch "
       "(p) {\n";
  for (std::size_t i = 0; i < ports.size(); ++i) {
    s << "    case " << i << ": take(t." << ports[i].name << ", w, " << ports[i].width << "); break;\n";
  }
  s << "    default: break;\n  }\n}\n"
    << "SAVP_EXPORT int savp_rtl_waves_open(void* b, const char* path) {\n  auto* p = "
       "static_cast<Block*>(b);\n"
    << "  p->fst.reset(new VerilatedFstC);\n  p->top->trace(p->fst.get(), 99);\n  p->fst->open(path);\n"
    << "  return p->fst->isOpen() ? 0 : -1;\n}\n"
    << "SAVP_EXPORT void savp_rtl_waves_dump(void* b, uint64_t time_ps) {\n  auto* p = "
       "static_cast<Block*>(b);\n"
    << "  if (p->fst) p->fst->dump(time_ps);\n}\n"
    << "SAVP_EXPORT void savp_rtl_waves_close(void* b) {\n  auto* p = static_cast<Block*>(b);\n"
    << "  if (p->fst) p->fst->close();\n  p->fst.reset();\n}\n";
  return s.str();
}

int build(const Options& o) {
  const cosim::ProtocolSpec& spec = *cosim::find_protocol(o.protocol);
  const std::string verilator = find_program("verilator");
  if (verilator.empty()) throw BuildError("Verilator is not on PATH (Debian: apt-get install verilator)");
  const fs::path work = fs::absolute(o.out + ".build");
  std::error_code ec;
  fs::remove_all(work, ec);
  fs::create_directories(work / "obj", ec);
  if (ec) throw BuildError("cannot create " + work.string() + ": " + ec.message());
  const std::string log = (work / "build.log").string();

  // 1. Verilate.
  std::vector<std::string> v = {
      verilator,  "--cc",   "--trace-fst",  "-Wno-fatal", "-O3", "--Mdir", (work / "obj").string(),
      "--prefix", "Vblock", "--top-module", o.top};
  for (const auto& [k, val] : o.params) v.push_back("-G" + k + "=" + val);
  for (const auto& d : o.includes) v.push_back("-I" + fs::absolute(d).string());
  for (const auto& d : o.defines) v.push_back("+define+" + d);
  for (const auto& src : o.sources) v.push_back(fs::absolute(src).string());
  std::cerr << "savp rtl build: verilating " << o.top << "\n";
  run(v, "verilator (the sources do not verilate)", log);

  // 2. The ports against the protocol.
  const std::vector<cosim::BlockPort> ports = read_ports(work / "obj" / "Vblock.h");
  std::uint32_t lanes = 0;
  const std::string why = cosim::check_ports(spec, ports, lanes);
  if (!why.empty()) throw BuildError("top module " + o.top + " does not follow " + spec.name + ": " + why);
  std::ofstream(work / "shim.cpp") << shim(o, spec, ports);

  // 3. Compile (the compiler that built savp) and link.
  const std::string root = [&] {
    int code = 0;
    std::string r = run_captured({verilator, "--getenv", "VERILATOR_ROOT"}, code);
    while (!r.empty() && (r.back() == '\n' || r.back() == ' ')) r.pop_back();
    if (code != 0 || !fs::is_directory(r + "/include"))
      throw BuildError("cannot find Verilator's runtime (VERILATOR_ROOT)");
    return r;
  }();
  std::vector<fs::path> units = {work / "shim.cpp"};
  for (const auto& e : fs::directory_iterator(work / "obj")) {
    if (e.path().extension() == ".cpp") units.push_back(e.path());
  }
  std::sort(units.begin() + 1, units.end());
  for (const char* rt : {"verilated.cpp", "verilated_fst_c.cpp", "verilated_threads.cpp"}) {
    units.push_back(fs::path(root) / "include" / rt);
  }
  const std::string ccache = find_program("ccache");
  std::vector<std::string> objects;
  std::cerr << "savp rtl build: compiling " << units.size() << " files with " << SAVP_PLUGIN_CXX << "\n";
  for (std::size_t i = 0; i < units.size(); ++i) {
    const std::string obj = (work / ("u" + std::to_string(i) + ".o")).string();
    std::vector<std::string> c;
    if (!ccache.empty()) c.push_back(ccache);
    c.insert(c.end(),
             {SAVP_PLUGIN_CXX, "-std=c++17", "-O2", "-fPIC", "-fvisibility=hidden", "-w", "-DVM_TRACE=1",
              "-DVM_TRACE_FST=1", "-DVM_TRACE_VCD=0", "-DVM_COVERAGE=0", "-DVM_SC=0",
              "-I" + root + "/include", "-I" + root + "/include/vltstd", "-I" + (work / "obj").string(),
              "-I" SAVP_PLUGIN_INCLUDE_DIR, "-c", units[i].string(), "-o", obj});
    run(c, "compiling " + units[i].filename().string(), log);
    objects.push_back(obj);
  }
  std::vector<std::string> l = {SAVP_PLUGIN_CXX,  "-shared", "-fPIC",
                                "-Wl,-Bsymbolic", "-o",      fs::absolute(o.out).string()};
  l.insert(l.end(), objects.begin(), objects.end());
  l.insert(l.end(), {"-lz", "-pthread"});
  run(l, "linking " + o.out, log);
  std::cout << "savp rtl build: " << o.out << ": protocol " << spec.name << " (" << spec.lane_meaning << " = "
            << lanes << "), top " << o.top << "\n";
  return kOk;
}

}  // namespace

int cmd_rtl(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" ||
      std::find(args.begin(), args.end(), "--help") != args.end()) {
    std::cout << kRtlUsage;
    return args.empty() ? kBadInput : kOk;
  }
  if (args[0] != "build") {
    std::cerr << "savp: error: rtl: unknown subcommand \"" << args[0] << "\" (savp rtl build ...)\n\n"
              << kRtlUsage;
    return kBadInput;
  }
  try {
    return build(parse(std::vector<std::string>(args.begin() + 1, args.end())));
  } catch (const BuildError& e) {
    std::cerr << "savp: error: rtl build: " << e.what() << "\n";
    return kBadInput;
  }
}

}  // namespace savp::tb
