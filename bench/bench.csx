// Benchmark cluster: server-1 plus agents on the lab's hosts; RKE2C_BENCH_HOSTS picks how many are declared,
// so one compiled playbook serves every size and the compiled-playbook cache stays warm.
var lab = Env("RKE2C_LAB_DIR");
var net = Env("RKE2C_LAB_NET");
var hosts = int.Parse(Env("RKE2C_BENCH_HOSTS", "20"));

Cluster("bench").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("RKE2_TOKEN"));
Ssh(user: "root", key: $"{lab}/id_ed25519");
KnownHosts($"{lab}/known_hosts");
Artifacts.FromDirectory(Env("RKE2C_LAB_ARTIFACTS"));

Sysctl("vm.swappiness", 10);
Config["protect-kernel-defaults"] = true;
Role(NodeRole.Server).Config["etcd-expose-metrics"] = true;

Server("server-1", $"127.0.{net}.1");
for (var i = 2; i <= hosts; i++) Agent($"agent-{i}", $"127.0.{net}.{i}");
JoinOrder("server-1");

// One node at a time by default, so a node's overhead is not inflated by simulated RKE2 starts sharing the 2 cores.
AgentBatch(int.Parse(Env("RKE2C_BENCH_BATCH", "1")));
Gates.All(timeout: TimeSpan.FromMinutes(2), poll: TimeSpan.FromMilliseconds(500)).SettleWindow(TimeSpan.FromSeconds(2));
