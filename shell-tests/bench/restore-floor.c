/*
 * The restore's C floor: replays a clone3 or eclone `procsim restore --dry-run`'s writes (lines
 * "FILE <- LINE") on a fresh mount as the Java restorer makes them, one after another, reading no
 * reply (set_tid and pids name every pid; an nsd or ns_last_pid dry run does not replay: the pids
 * it checks and its attached restorers are not in its lines): each file opened read-write at its
 * first write and kept open, each line one pwrite at offset 0, every file closed at the end. No
 * image to read, no JVM, no checks: what the interface's FUSE requests cost a client that does
 * nothing else. Prints the seconds from the first open to the last close. Exit 1, naming the
 * line, on a refused write.
 *   restore-floor < dry-run.txt
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { MAX_WRITES = 1 << 20, MAX_FILES = 1 << 18 };

struct write {
    const char *file;
    char *line;
    size_t len;
};

static struct write writes[MAX_WRITES];
static int fds[MAX_FILES];

int main(void) {
    size_t n = 0, cap = 0;
    char *l = NULL;
    ssize_t got;
    while ((got = getline(&l, &cap, stdin)) > 0) {
        char *arrow = strstr(l, " <- ");
        if (!arrow) continue; /* not a write */
        if (n == MAX_WRITES) {
            fprintf(stderr, "restore-floor: more than %d writes\n", MAX_WRITES);
            return 1;
        }
        *arrow = '\0';
        writes[n].file = strdup(l);
        writes[n].line = strdup(arrow + 4);
        writes[n].len = strlen(writes[n].line);
        n++;
    }
    free(l);
    if (!hcreate(MAX_FILES)) {
        perror("restore-floor: hcreate");
        return 1;
    }
    size_t nfiles = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < n; i++) {
        ENTRY e = {.key = (char *)writes[i].file}, *found = hsearch(e, FIND);
        if (!found) {
            if (nfiles == MAX_FILES) {
                fprintf(stderr, "restore-floor: more than %d files\n", MAX_FILES);
                return 1;
            }
            fds[nfiles] = open(writes[i].file, O_RDWR | O_CLOEXEC);
            if (fds[nfiles] < 0) {
                fprintf(stderr, "restore-floor: %s: %s\n", writes[i].file, strerror(errno));
                return 1;
            }
            e.data = &fds[nfiles++];
            found = hsearch(e, ENTER);
            if (!found) {
                perror("restore-floor: hsearch");
                return 1;
            }
        }
        ssize_t w = pwrite(*(int *)found->data, writes[i].line, writes[i].len, 0);
        if (w != (ssize_t)writes[i].len) {
            fprintf(stderr, "restore-floor: %s <- %.*s: %s\n", writes[i].file, (int)writes[i].len - 1, writes[i].line,
                    w < 0 ? strerror(errno) : "a short write");
            return 1;
        }
    }
    for (size_t f = 0; f < nfiles; f++) close(fds[f]);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%.3f\n", (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
