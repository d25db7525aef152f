#!/usr/bin/env python3
"""savp sweep --backend slurm on a real single-node Slurm cluster started on localhost for the test
(Debian slurm-wlm and munge; a generated slurm.conf; munged, slurmctld and slurmd started here and
stopped after): the sweep is submitted as an sbatch array, collected with `savp sweep --collect`,
and its merged results must equal a local run's. Exits 77 (ctest: skipped) with the reason only
where the daemons cannot be started (not root, or slurm-wlm/munge missing).
Usage: check_sweep_slurm.py SAVP SWEEP.json OUTDIR"""
import os, random, shutil, signal, socket, subprocess, sys, time

SKIP = 77
savp, sweep, out = sys.argv[1:4]


def skip(why):
    print("SKIPPED: " + why)
    sys.exit(SKIP)


if os.geteuid() != 0:
    skip("the Slurm daemons need root to start (this is not root)")
for exe in ("munged", "slurmctld", "slurmd", "sbatch", "squeue"):
    if not shutil.which(exe) and not os.path.exists("/usr/sbin/" + exe):
        skip("%s not installed (Debian packages slurm-wlm and munge; scripts/test installs them)" % exe)

shutil.rmtree(out, ignore_errors=True)
d = os.path.join(out, "cluster")
for sub in ("state", "spool", "log", "munge"):
    os.makedirs(os.path.join(d, sub))
host = socket.gethostname().split(".")[0]
port = random.randint(20000, 29000)
sock = os.path.join(d, "munge", "munge.socket")
key = os.path.join(d, "munge", "munge.key")
with open(key, "wb") as f:
    f.write(os.urandom(1024))
os.chmod(key, 0o400)
conf = os.path.join(d, "slurm.conf")
with open(conf, "w") as f:
    f.write("""ClusterName=savptest
SlurmctldHost={host}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket={sock}
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/log/slurmctld.log
SlurmdLogFile={d}/log/slurmd.log
SlurmctldPort={p1}
SlurmdPort={p2}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
NodeName={host} CPUs={cpus} State=UNKNOWN
PartitionName=savp Nodes=ALL Default=YES MaxTime=INFINITE State=UP
""".format(host=host, sock=sock, d=d, p1=port, p2=port + 1, cpus=os.cpu_count() or 1))
env = dict(os.environ, SLURM_CONF=conf)
daemons = []


def stop():
    for name in ("slurmd", "slurmctld", "munged"):
        pidf = os.path.join(d, name + ".pid") if name != "munged" else os.path.join(d, "munge", "munged.pid")
        try:
            os.kill(int(open(pidf).read().strip()), signal.SIGTERM)
        except (OSError, ValueError):
            pass


def start(cmd):
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        stop()
        skip("cannot start %s: %s" % (cmd[0], (r.stderr or r.stdout).strip()[-400:]))


try:
    start(["munged", "--force", "--socket=" + sock, "--key-file=" + key,
           "--pid-file=" + os.path.join(d, "munge", "munged.pid"), "--log-file=" + os.path.join(d, "munge", "munged.log"),
           "--seed-file=" + os.path.join(d, "munge", "munged.seed")])
    start(["slurmctld", "-f", conf])
    start(["slurmd", "-f", conf])
    deadline = time.time() + 60
    while time.time() < deadline:
        r = subprocess.run(["sinfo", "-h", "-o", "%T"], env=env, capture_output=True, text=True)
        if r.returncode == 0 and "idle" in r.stdout:
            break
        time.sleep(0.5)
    else:
        logs = ""
        for name in ("slurmctld", "slurmd"):
            try:
                logs += "\n%s.log: %s" % (name, open(os.path.join(d, "log", name + ".log")).read()[-600:])
            except OSError:
                pass
        stop()
        skip("the daemons started but the node never became idle (this environment cannot run slurmd):" + logs)

    cl = os.path.join(out, "slurm")
    r = subprocess.run([savp, "sweep", sweep, "--backend", "slurm", "-j", "2", "-o", cl], env=env,
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("submission failed: " + r.stdout + r.stderr)
    deadline = time.time() + 300
    while True:
        r = subprocess.run([savp, "sweep", "--collect", cl], env=env, capture_output=True, text=True)
        if r.returncode != 3 or time.time() > deadline:
            break
        time.sleep(1)
    if r.returncode != 0:
        sys.exit("collect: exit %d: %s%s" % (r.returncode, r.stdout, r.stderr))
    loc = os.path.join(out, "local")
    subprocess.run([savp, "sweep", sweep, "-j", "2", "-o", loc], check=True, capture_output=True)
    a, b = open(os.path.join(cl, "results.jsonl")).read(), open(os.path.join(loc, "results.jsonl")).read()
    if a != b:
        sys.exit("the cluster's merged results differ from the local run's")
    print("Slurm sweep: " + r.stdout.strip() + "; results equal the local run's")
finally:
    stop()
