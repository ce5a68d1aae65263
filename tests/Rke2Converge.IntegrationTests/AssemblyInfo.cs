// Every test here brings up lab hosts (and often simulated RKE2 nodes) on a 2-core machine. Run them one at a time:
// besides the load, the lab tells hosts apart by mount-namespace inode, and the kernel reuses a freed inode at once.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
