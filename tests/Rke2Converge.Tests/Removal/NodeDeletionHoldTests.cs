using Rke2Converge.Remote;
using Rke2Converge.Removal;

namespace Rke2Converge.Tests.Removal;

public sealed class NodeDeletionHoldTests
{
    [Fact]
    public void A_node_held_by_the_etcd_finalizer_is_reported_by_its_finalizer_and_since_when()
    {
        var held = new RemoteResult(0, "2026-12-07T08:00:00Z [\"wrangler.cattle.io/managed-etcd-controller\"]", "", TimeSpan.Zero);

        var description = RemovalRunner.HoldDescription("e2", held);

        Assert.StartsWith("node e2 is Terminating since 2026-12-07T08:00:00Z, held by finalizers [\"wrangler.cattle.io/managed-etcd-controller\"]", description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_already_gone_and_an_unreadable_node_say_so()
    {
        var gone = RemovalRunner.HoldDescription("e2", new RemoteResult(0, "", "", TimeSpan.Zero));
        var unreadable = RemovalRunner.HoldDescription("e2", new RemoteResult(1, "", "Unable to connect to the server", TimeSpan.Zero));

        Assert.StartsWith("the node object e2 is gone, but its member stayed", gone, StringComparison.Ordinal);
        Assert.Contains("could not be read: Unable to connect to the server", unreadable, StringComparison.Ordinal);
    }

    [Fact]
    public void Delete_node_does_not_wait_in_kubectl_for_the_finalizer()
    {
        Assert.Contains("delete node \"$3\" --wait=false", RemovalOperations.DeleteNode("e2").Script, StringComparison.Ordinal);
    }
}
