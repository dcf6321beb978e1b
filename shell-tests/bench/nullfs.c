/*
 * nullfs: the cheapest FUSE daemon that serves procsim's benchmark paths; the floor for
 * any FUSE design. libfuse2 high-level API, multithreaded by default, like jnr-fuse.
 *
 *   /sys/kernel/ns_last_pid   read "300\n", any write accepted
 *   /1/task/1/syscall         read "301\n", any write accepted; after a write the reply
 *                             is served at whatever offset the next read comes (as after
 *                             `exec 3<>F; echo fork >&3; read -r r <&3`)
 *
 * Directories exist for every component, so a path costs as many LOOKUPs as on procsim.
 * No flush, as in procsim: after the first ENOSYS the kernel sends no FLUSH on close.
 * Files report size 0 like procfs; mount with the options procsim uses:
 *   nullfs -f -o entry_timeout=0,attr_timeout=0,negative_timeout=0,direct_io,atomic_o_trunc M
 *
 * Build: gcc -O2 -o nullfs nullfs.c $(pkg-config --cflags --libs fuse)
 */
#define FUSE_USE_VERSION 26

#include <errno.h>
#include <fuse.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct node {
    const char *path;
    const char *reply; /* NULL for a directory */
};

static const struct node nodes[] = {
    {"/", NULL},
    {"/sys", NULL},
    {"/sys/kernel", NULL},
    {"/sys/kernel/ns_last_pid", "300\n"},
    {"/1", NULL},
    {"/1/task", NULL},
    {"/1/task/1", NULL},
    {"/1/task/1/syscall", "301\n"},
};
#define NNODES (sizeof nodes / sizeof nodes[0])

/* Per open file: whether a write came since the last read. */
struct handle {
    const struct node *node;
    int pending;
};

static const struct node *find(const char *path) {
    for (size_t i = 0; i < NNODES; i++)
        if (strcmp(nodes[i].path, path) == 0)
            return &nodes[i];
    return NULL;
}

static int nf_getattr(const char *path, struct stat *st) {
    const struct node *n = find(path);
    if (!n)
        return -ENOENT;
    memset(st, 0, sizeof *st);
    if (n->reply) {
        st->st_mode = S_IFREG | 0644;
        st->st_nlink = 1;
    } else {
        st->st_mode = S_IFDIR | 0555;
        st->st_nlink = 2;
    }
    return 0;
}

static int nf_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
                      struct fuse_file_info *fi) {
    (void)off;
    (void)fi;
    const struct node *dir = find(path);
    if (!dir)
        return -ENOENT;
    if (dir->reply)
        return -ENOTDIR;
    fill(buf, ".", NULL, 0);
    fill(buf, "..", NULL, 0);
    size_t plen = strlen(path);
    for (size_t i = 1; i < NNODES; i++) {
        const char *p = nodes[i].path;
        /* direct children: "<path>/<name>" with no further '/' */
        const char *rest = plen == 1 ? p + 1 : p + plen + 1;
        if (plen > 1 && (strncmp(p, path, plen) != 0 || p[plen] != '/'))
            continue;
        if (strchr(rest, '/') == NULL)
            fill(buf, rest, NULL, 0);
    }
    return 0;
}

static int nf_open(const char *path, struct fuse_file_info *fi) {
    const struct node *n = find(path);
    if (!n)
        return -ENOENT;
    if (!n->reply)
        return -EISDIR;
    struct handle *h = malloc(sizeof *h);
    if (!h)
        return -ENOMEM;
    h->node = n;
    h->pending = 0;
    fi->fh = (uint64_t)(uintptr_t)h;
    fi->direct_io = 1;
    return 0;
}

static int nf_read(const char *path, char *buf, size_t size, off_t off,
                   struct fuse_file_info *fi) {
    (void)path;
    struct handle *h = (struct handle *)(uintptr_t)fi->fh;
    const char *r = h->node->reply;
    size_t len = strlen(r);
    size_t from;
    if (h->pending) { /* a transaction: reply whatever the offset */
        h->pending = 0;
        from = 0;
    } else if ((size_t)off < len) {
        from = (size_t)off;
    } else {
        return 0;
    }
    size_t n = len - from < size ? len - from : size;
    memcpy(buf, r + from, n);
    return (int)n;
}

static int nf_write(const char *path, const char *buf, size_t size, off_t off,
                    struct fuse_file_info *fi) {
    (void)path;
    (void)buf;
    (void)off;
    ((struct handle *)(uintptr_t)fi->fh)->pending = 1;
    return (int)size;
}

static int nf_truncate(const char *path, off_t size) {
    (void)size;
    return find(path) ? 0 : -ENOENT;
}

static int nf_ftruncate(const char *path, off_t size, struct fuse_file_info *fi) {
    (void)path;
    (void)size;
    (void)fi;
    return 0;
}

static int nf_release(const char *path, struct fuse_file_info *fi) {
    (void)path;
    free((void *)(uintptr_t)fi->fh);
    return 0;
}

static const struct fuse_operations ops = {
    .getattr = nf_getattr,
    .readdir = nf_readdir,
    .open = nf_open,
    .read = nf_read,
    .write = nf_write,
    .truncate = nf_truncate,
    .ftruncate = nf_ftruncate,
    .release = nf_release,
};

int main(int argc, char *argv[]) {
    return fuse_main(argc, argv, &ops, NULL);
}
