#include "thread_pool.h"

#include <pthread.h>

/// The most threads a job can use (the caller's included).
enum { MAX_THREADS = 64 };

/// Held for a whole job: the job slot below is shared.
static pthread_mutex_t jobLock = PTHREAD_MUTEX_INITIALIZER;
/// Guards the job slot and the counters; `start` wakes the workers, `done` the caller.
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t start = PTHREAD_COND_INITIALIZER, done = PTHREAD_COND_INITIALIZER;
static PartFunction *jobRun;
static void *jobContext;
static long jobParts;
/// Counts the jobs posted; a worker runs each new one once.
static long generation;
/// Workers yet to finish the current job.
static long remaining;
/// Workers started; worker w (1 ... workerCount) runs part w.
static long workerCount;
/// The generation each worker was started at (it runs only later ones).
static long startGeneration[MAX_THREADS];

static void *work(void *argument) {
    long id = (long)argument;
    pthread_mutex_lock(&lock);
    long seen = startGeneration[id];
    for (;;) {
        while (generation == seen) pthread_cond_wait(&start, &lock);
        seen = generation;
        PartFunction *run = jobRun;
        void *context = jobContext;
        long parts = jobParts;
        pthread_mutex_unlock(&lock);
        if (id < parts) run(context, id, parts);
        pthread_mutex_lock(&lock);
        if (--remaining == 0) pthread_cond_signal(&done);
    }
    return 0;
}

void reluflow_run_parts(PartFunction *run, void *context, long parts) {
    if (parts <= 1) {
        run(context, 0, 1);
        return;
    }
    if (parts > MAX_THREADS) parts = MAX_THREADS;
    pthread_mutex_lock(&jobLock);
    pthread_mutex_lock(&lock);
    while (workerCount < parts - 1) {
        pthread_t thread;
        long id = workerCount + 1;
        startGeneration[id] = generation;
        if (pthread_create(&thread, 0, work, (void *)id) != 0) break;
        pthread_detach(thread);
        workerCount = id;
    }
    // Parts 1 ... pooled run on workers; any no worker could be started for, here after part 0.
    long pooled = parts - 1 < workerCount ? parts - 1 : workerCount;
    if (pooled > 0) {
        jobRun = run;
        jobContext = context;
        jobParts = parts;
        remaining = workerCount;
        generation++;
        pthread_cond_broadcast(&start);
    }
    pthread_mutex_unlock(&lock);
    run(context, 0, parts);
    for (long part = pooled + 1; part < parts; part++) run(context, part, parts);
    if (pooled > 0) {
        pthread_mutex_lock(&lock);
        while (remaining > 0) pthread_cond_wait(&done, &lock);
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_unlock(&jobLock);
}
