/* ratelimit.c - token buckets in a bounded, set-associative table. */
#include "serve/ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#define WAYS 4
#define SETS 4096
#define LOCKS 64

typedef struct bucket {
    uint64_t key;        /* 0: empty */
    double tokens;
    double at;           /* when `tokens` was last brought up to date */
} bucket;

struct zj_ratelimit {
    double rate, burst;
    pthread_mutex_t locks[LOCKS];
    bucket b[SETS][WAYS];
};

zj_ratelimit *zj_ratelimit_new(double rate, double burst)
{
    zj_ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl)
        return NULL;
    rl->rate = rate;
    rl->burst = burst < 1 ? 1 : burst;
    for (int i = 0; i < LOCKS; i++)
        pthread_mutex_init(&rl->locks[i], NULL);
    return rl;
}

void zj_ratelimit_free(zj_ratelimit *rl)
{
    if (!rl)
        return;
    for (int i = 0; i < LOCKS; i++)
        pthread_mutex_destroy(&rl->locks[i]);
    free(rl);
}

double zj_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double level(const zj_ratelimit *rl, const bucket *b, double now)
{
    double t = b->tokens + (now - b->at) * rl->rate;
    return t > rl->burst ? rl->burst : t;
}

int zj_ratelimit_take(zj_ratelimit *rl, const char *key, double now)
{
    if (rl->rate <= 0)
        return 0;
    uint64_t h = XXH3_64bits(key, strlen(key)) | 1;   /* never 0, the empty mark */
    size_t set = (size_t)(h % SETS);
    pthread_mutex_t *lock = &rl->locks[set % LOCKS];
    pthread_mutex_lock(lock);
    bucket *ways = rl->b[set], *hit = NULL, *victim = &ways[0];
    double fullest = -1;
    for (int i = 0; i < WAYS && !hit; i++) {
        if (ways[i].key == h) {
            hit = &ways[i];
            break;
        }
        double l = ways[i].key ? level(rl, &ways[i], now) : rl->burst + 1;
        if (l > fullest)
            fullest = l, victim = &ways[i];
    }
    if (!hit) {
        hit = victim;
        hit->key = h;
        hit->tokens = rl->burst;
        hit->at = now;
    }
    hit->tokens = level(rl, hit, now);
    hit->at = now;
    int wait = 0;
    if (hit->tokens >= 1)
        hit->tokens -= 1;
    else
        wait = (int)ceil((1 - hit->tokens) / rl->rate);
    pthread_mutex_unlock(lock);
    return wait < 0 ? 1 : wait;
}
