// Benchmark cluster: server-1 plus agents on the lab's hosts; RKE2C_BENCH_HOSTS picks how many are declared,
// so one compiled playbook serves every size and the compiled-playbook cache stays warm. RKE2C_BENCH_LABS (lab
// directories, space-separated) spreads the hosts over several labs of at most 250 hosts each, for the scale point,
// with RKE2C_BENCH_KNOWN_HOSTS holding all their host keys.
var lab = Env("RKE2C_LAB_DIR");
var block = Env("RKE2C_LAB_BLOCK", "0");
var hosts = int.Parse(Env("RKE2C_BENCH_HOSTS", "20"));
var labs = Env("RKE2C_BENCH_LABS", lab).Split(' ', StringSplitOptions.RemoveEmptyEntries);

Cluster("bench").Version("v1.32.5+rke2r1").Token(Secret.FromEnv("RKE2_TOKEN"));
Ssh(user: "root", key: $"{labs[0]}/id_ed25519");
KnownHosts(Env("RKE2C_BENCH_KNOWN_HOSTS", $"{lab}/known_hosts"));
Artifacts.FromDirectory(Env("RKE2C_LAB_ARTIFACTS"));

Sysctl("vm.swappiness", 10);
Config["protect-kernel-defaults"] = true;
Role(NodeRole.Server).Config["etcd-expose-metrics"] = true;

var declared = 0;
foreach (var dir in labs)
{
    string Field(string name) => System.IO.File.ReadLines($"{dir}/env").First(l => l.StartsWith(name + "=")).Substring(name.Length + 1);
    var net = Field("RKE2C_LAB_NET");
    var size = int.Parse(Field("RKE2C_LAB_HOSTS"));
    for (var i = 1; i <= size && declared < hosts; i++)
    {
        declared++;
        var node = declared == 1 ? Server("server-1", $"127.{block}.{net}.{i}") : Agent($"agent-{declared}", $"127.{block}.{net}.{i}");
        if (dir != labs[0]) node.Ssh(key: $"{dir}/id_ed25519");
    }
}
JoinOrder("server-1");

// One node at a time by default, so a node's overhead is not inflated by simulated RKE2 starts sharing the 2 cores.
AgentBatch(int.Parse(Env("RKE2C_BENCH_BATCH", "1")));
Gates.All(timeout: TimeSpan.FromMinutes(2), poll: TimeSpan.FromMilliseconds(500)).SettleWindow(TimeSpan.FromSeconds(2));
