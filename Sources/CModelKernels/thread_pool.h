#ifndef RELUFLOW_THREAD_POOL_H
#define RELUFLOW_THREAD_POOL_H

/// One part of a job split into `parts` parts, part 0 ..< parts.
typedef void PartFunction(void *context, long part, long parts);

/// Runs run(context, p, parts) for every p < parts, part 0 on the calling thread and the
/// others on the pool's threads (started at the first job that needs them), and returns when
/// all are done. Jobs from different threads run one after the other.
void reluflow_run_parts(PartFunction *run, void *context, long parts);

#endif
