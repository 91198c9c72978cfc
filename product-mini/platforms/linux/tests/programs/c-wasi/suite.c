/* The WASI preview 1 conformance cases of WebAssembly/wasi-testsuite's C tests, through
 * wasi-libc: `suite TEST DIR` runs TEST with DIR the preopened scratch directory (left as it
 * was found). A failed check prints it and exits 1; success prints nothing and exits 0.
 * `suite list` prints the test names. Built by tests/wasi_programs.rs. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *dir;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            printf("%s:%d: check failed: %s (errno %d: %s)\n", __FILE__, __LINE__, \
                   #cond, errno, strerror(errno));                              \
            exit(1);                                                             \
        }                                                                        \
    } while (0)

/* DIR/name, in a static buffer. */
static const char *at(const char *name) {
    static char path[4][256];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", dir, name);
    return p;
}

/* Creates DIR/name holding `text`. */
static void make_file(const char *name, const char *text) {
    FILE *f = fopen(at(name), "w");
    CHECK(f != NULL);
    CHECK(fputs(text, f) >= 0);
    CHECK(fclose(f) == 0);
}

/* Checks that DIR/name holds exactly `expected` (through stdio), then removes it. */
static void check_and_remove(const char *name, const char *expected) {
    FILE *f = fopen(at(name), "r");
    CHECK(f != NULL);
    char text[64] = {0};
    CHECK(fread(text, 1, sizeof text - 1, f) == strlen(expected));
    CHECK(strcmp(text, expected) == 0);
    CHECK(fclose(f) == 0);
    CHECK(unlink(at(name)) == 0);
}

static void clock_getres_monotonic(void) {
    struct timespec ts;
    CHECK(clock_getres(CLOCK_MONOTONIC, &ts) == 0);
    CHECK(ts.tv_sec > 0 || ts.tv_nsec > 0);
}

static void clock_getres_realtime(void) {
    struct timespec ts;
    CHECK(clock_getres(CLOCK_REALTIME, &ts) == 0);
    CHECK(ts.tv_sec > 0 || ts.tv_nsec > 0);
}

static void clock_gettime_monotonic(void) {
    struct timespec a, b;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
    CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
}

static void clock_gettime_realtime(void) {
    struct timespec ts;
    CHECK(clock_gettime(CLOCK_REALTIME, &ts) == 0);
    CHECK(ts.tv_sec > 1577836800); /* after 2020 */
}

static void fdopendir_with_access(void) {
    make_file("file.cleanup", "x");
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(fd != -1);
    DIR *d = fdopendir(fd);
    CHECK(d != NULL);
    int seen = 0;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        seen += strcmp(entry->d_name, "file.cleanup") == 0;
    }
    CHECK(seen == 1);
    CHECK(closedir(d) == 0);
    CHECK(unlink(at("file.cleanup")) == 0);
}

static void fopen_with_access(void) {
    make_file("file.cleanup", "hello");
    check_and_remove("file.cleanup", "hello");
}

static void fopen_with_no_access(void) {
    errno = 0;
    CHECK(fopen("/etc/passwd", "r") == NULL);
    CHECK(errno == ENOENT || errno == ENOTCAPABLE);
    errno = 0;
    CHECK(fopen(at("../outside.cleanup"), "w") == NULL);
    CHECK(errno == EPERM || errno == ENOTCAPABLE);
}

static void lseek_test(void) {
    make_file("lseek.cleanup", "0123456789");
    int fd = open(at("lseek.cleanup"), O_RDONLY);
    CHECK(fd != -1);
    CHECK(lseek(fd, 0, SEEK_CUR) == 0);
    CHECK(lseek(fd, 3, SEEK_SET) == 3);
    CHECK(lseek(fd, 2, SEEK_CUR) == 5);
    CHECK(lseek(fd, -1, SEEK_END) == 9);
    char c;
    CHECK(read(fd, &c, 1) == 1 && c == '9');
    CHECK(lseek(fd, 100, SEEK_SET) == 100);
    errno = 0;
    CHECK(lseek(fd, -1, SEEK_SET) == -1 && errno == EINVAL);
    CHECK(close(fd) == 0);
    errno = 0;
    CHECK(lseek(fd, 0, SEEK_CUR) == -1 && errno == EBADF);
    errno = 0;
    CHECK(lseek(STDOUT_FILENO, 0, SEEK_CUR) == -1 && errno == ESPIPE);
    CHECK(unlink(at("lseek.cleanup")) == 0);
}

static void pread_with_access(void) {
    make_file("pread.cleanup", "0123456789");
    int fd = open(at("pread.cleanup"), O_RDONLY);
    CHECK(fd != -1);
    char buf[4] = {0};
    CHECK(pread(fd, buf, 3, 4) == 3);
    CHECK(memcmp(buf, "456", 3) == 0);
    CHECK(lseek(fd, 0, SEEK_CUR) == 0);
    CHECK(pread(fd, buf, 4, 8) == 2);
    errno = 0;
    CHECK(pwrite(fd, "x", 1, 0) == -1 && errno == EBADF);
    CHECK(close(fd) == 0);
    CHECK(unlink(at("pread.cleanup")) == 0);
}

static void pwrite_with_access(void) {
    int fd = open(at("pwrite.cleanup"), O_CREAT | O_WRONLY, 0644);
    CHECK(fd != -1);
    CHECK(pwrite(fd, "world", 5, 6) == 5);
    CHECK(pwrite(fd, "hello ", 6, 0) == 6);
    CHECK(lseek(fd, 0, SEEK_CUR) == 0);
    char buf[4];
    errno = 0;
    CHECK(pread(fd, buf, 1, 0) == -1 && errno == EBADF);
    CHECK(close(fd) == 0);
    check_and_remove("pwrite.cleanup", "hello world");
}

static void pwrite_with_append(void) {
    int fd = open(at("append.cleanup"), O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0644);
    CHECK(fd != -1);
    CHECK(write(fd, "Hello", 5) == 5);
    CHECK(lseek(fd, 0, SEEK_CUR) == 5);
    /* In append mode the bytes go to the end whatever the offset, and pwrite does not move
     * the current offset. */
    CHECK(pwrite(fd, "World", 5, 0) == 5);
    CHECK(lseek(fd, 0, SEEK_CUR) == 5);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(write(fd, "!", 1) == 1);
    CHECK(lseek(fd, 0, SEEK_CUR) == 11);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 11);
    CHECK(close(fd) == 0);
    check_and_remove("append.cleanup", "HelloWorld!");
    /* On an existing file, O_TRUNC empties it first. */
    make_file("append.cleanup", "old contents");
    fd = open(at("append.cleanup"), O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0644);
    CHECK(fd != -1);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 0);
    CHECK(write(fd, "new", 3) == 3);
    CHECK(close(fd) == 0);
    check_and_remove("append.cleanup", "new");
}

static void sock_shutdown_invalid_fd(void) {
    errno = 0;
    CHECK(shutdown(100, SHUT_RD) == -1 && errno == EBADF);
}

static void sock_shutdown_not_sock(void) {
    make_file("sock.cleanup", "");
    int fd = open(at("sock.cleanup"), O_RDONLY);
    CHECK(fd != -1);
    errno = 0;
    CHECK(shutdown(fd, SHUT_RD) == -1 && errno == ENOTSOCK);
    errno = 0;
    CHECK(shutdown(STDOUT_FILENO, SHUT_WR) == -1 && errno == ENOTSOCK);
    CHECK(close(fd) == 0);
    CHECK(unlink(at("sock.cleanup")) == 0);
}

static void stat_dev_ino(void) {
    make_file("a.cleanup", "a");
    make_file("b.cleanup", "b");
    struct stat a1, a2, b, d1, d2;
    CHECK(stat(at("a.cleanup"), &a1) == 0);
    int fd = open(at("a.cleanup"), O_RDONLY);
    CHECK(fd != -1);
    CHECK(fstat(fd, &a2) == 0);
    CHECK(a1.st_dev == a2.st_dev && a1.st_ino == a2.st_ino);
    CHECK(stat(at("b.cleanup"), &b) == 0);
    CHECK(a1.st_dev == b.st_dev && a1.st_ino != b.st_ino);
    CHECK(stat(dir, &d1) == 0);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd != -1);
    CHECK(fstat(dfd, &d2) == 0);
    CHECK(d1.st_dev == d2.st_dev && d1.st_ino == d2.st_ino && S_ISDIR(d1.st_mode));
    CHECK(close(fd) == 0 && close(dfd) == 0);
    CHECK(unlink(at("a.cleanup")) == 0 && unlink(at("b.cleanup")) == 0);
}

static const struct {
    const char *name;
    void (*run)(void);
} tests[] = {
    {"clock_getres-monotonic", clock_getres_monotonic},
    {"clock_getres-realtime", clock_getres_realtime},
    {"clock_gettime-monotonic", clock_gettime_monotonic},
    {"clock_gettime-realtime", clock_gettime_realtime},
    {"fdopendir-with-access", fdopendir_with_access},
    {"fopen-with-access", fopen_with_access},
    {"fopen-with-no-access", fopen_with_no_access},
    {"lseek", lseek_test},
    {"pread-with-access", pread_with_access},
    {"pwrite-with-access", pwrite_with_access},
    {"pwrite-with-append", pwrite_with_append},
    {"sock_shutdown-invalid_fd", sock_shutdown_invalid_fd},
    {"sock_shutdown-not_sock", sock_shutdown_not_sock},
    {"stat-dev-ino", stat_dev_ino},
};

int main(int argc, char **argv) {
    size_t count = sizeof tests / sizeof tests[0];
    if (argc == 2 && strcmp(argv[1], "list") == 0) {
        for (size_t i = 0; i < count; i++) puts(tests[i].name);
        return 0;
    }
    if (argc != 3) {
        fputs("usage: suite TEST DIR | suite list\n", stderr);
        return 2;
    }
    dir = argv[2];
    for (size_t i = 0; i < count; i++) {
        if (strcmp(argv[1], tests[i].name) == 0) {
            tests[i].run();
            return 0;
        }
    }
    fprintf(stderr, "no test %s\n", argv[1]);
    return 2;
}
