// Each test starts a whole AppHost (orchestrator, database, API replicas, worker): on a 2-core machine they run one
// at a time, which is faster than in parallel and keeps every wait within its limit.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
