/*
 * floor.c — the "parse floor" of the prepline benchmarks.
 *
 * A single-threaded, no-op libcsv parse of one file: read it in 1 MiB blocks,
 * feed every block to csv_parse() with callbacks that only count fields and
 * rows, then csv_fini(). Options 0 (libcsv defaults: non-strict), with a space
 * function that never reports a space, so unquoted fields are not trimmed
 * (the same faithful setting prepline's parser must use).
 *
 * This is the cheapest any libcsv-based parser can be on one core; prepline's
 * target is to beat it by >= 1.5x on 2 cores with parallel chunks.
 *
 * usage: floor FILE        (FILE may be "-" for stdin)
 * prints "rows=R fields=F bytes=B" to stderr; exit 0 on success, 1 on a
 * read or parse error, 2 on usage error.
 *
 * build: gcc -O2 -o bench/bin/floor bench/floor.c -lcsv
 */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK (1u << 20) /* 1 MiB */

struct counts {
    unsigned long long rows;
    unsigned long long fields;
};

static void on_field(void *data, size_t len, void *ctx) {
    (void)data;
    (void)len;
    ((struct counts *)ctx)->fields++;
}

static void on_row(int term, void *ctx) {
    (void)term;
    ((struct counts *)ctx)->rows++;
}

/* Never treat a byte as a space: no trimming of unquoted fields. */
static int never_space(unsigned char c) {
    (void)c;
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    const char *path = argv[1];
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "floor: %s: %s\n", path, strerror(errno));
        return 1;
    }

    struct csv_parser p;
    if (csv_init(&p, 0) != 0) {
        fprintf(stderr, "floor: csv_init failed\n");
        return 1;
    }
    csv_set_space_func(&p, never_space);

    char *buf = malloc(BLOCK);
    if (!buf) {
        fprintf(stderr, "floor: out of memory\n");
        return 1;
    }

    struct counts c = {0, 0};
    unsigned long long bytes = 0;
    for (;;) {
        ssize_t n = read(fd, buf, BLOCK);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "floor: %s: read: %s\n", path, strerror(errno));
            return 1;
        }
        if (n == 0)
            break;
        size_t done = csv_parse(&p, buf, (size_t)n, on_field, on_row, &c);
        if (done != (size_t)n) {
            fprintf(stderr, "floor: %s: parse error at byte %llu: %s\n", path,
                    bytes + (unsigned long long)done, csv_strerror(csv_error(&p)));
            return 1;
        }
        bytes += (unsigned long long)n;
    }
    if (csv_fini(&p, on_field, on_row, &c) != 0) {
        fprintf(stderr, "floor: %s: csv_fini: %s\n", path, csv_strerror(csv_error(&p)));
        return 1;
    }
    csv_free(&p);
    free(buf);
    if (fd != STDIN_FILENO)
        close(fd);

    fprintf(stderr, "rows=%llu fields=%llu bytes=%llu\n", c.rows, c.fields, bytes);
    return 0;
}
