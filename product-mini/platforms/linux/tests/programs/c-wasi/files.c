/* File operations through wasi-libc's POSIX layer, inside the preopened directory argv[1]:
 * one line per step, so the test can compare the whole output.
 * Built by product-mini/platforms/linux/tests/wasi_programs.rs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char path_buf[4096];

static const char *in_dir(const char *dir, const char *name) {
    snprintf(path_buf, sizeof path_buf, "%s/%s", dir, name);
    return path_buf;
}

static void step(const char *what, int ok) {
    if (ok) {
        printf("%s: ok\n", what);
    } else {
        printf("%s: error: %s\n", what, strerror(errno));
    }
}

static int compare(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) {
        printf("list: error: %s\n", strerror(errno));
        return;
    }
    char *names[64];
    int n = 0;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL && n < 64) {
        if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, "..")) {
            names[n++] = strdup(entry->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof names[0], compare);
    printf("list:");
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: files DIR\n");
        return 2;
    }
    const char *dir = argv[1];

    FILE *f = fopen(in_dir(dir, "c.txt"), "w");
    step("fopen c.txt for writing", f != NULL);
    if (!f) return 1;
    step("fputs", fputs("written by C\n", f) >= 0);
    step("fclose", fclose(f) == 0);

    char line[128] = "";
    f = fopen(in_dir(dir, "c.txt"), "r");
    step("fopen c.txt for reading", f != NULL);
    if (!f) return 1;
    if (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
    }
    printf("read: %s\n", line);
    fclose(f);

    struct stat st;
    step("stat c.txt", stat(in_dir(dir, "c.txt"), &st) == 0);
    printf("size=%lld regular=%d\n", (long long)st.st_size, S_ISREG(st.st_mode) ? 1 : 0);

    int fd = open(in_dir(dir, "c.txt"), O_RDONLY);
    step("open", fd >= 0);
    char tail[8] = "";
    step("lseek", lseek(fd, 8, SEEK_SET) == 8);
    ssize_t got = read(fd, tail, 4);
    printf("read %zd bytes at 8: %.4s\n", got, tail);
    close(fd);

    step("mkdir d", mkdir(in_dir(dir, "d"), 0755) == 0);
    char from[4096];
    snprintf(from, sizeof from, "%s", in_dir(dir, "c.txt"));
    step("rename c.txt -> d/moved.txt", rename(from, in_dir(dir, "d/moved.txt")) == 0);
    list(dir);
    step("unlink d/moved.txt", unlink(in_dir(dir, "d/moved.txt")) == 0);
    step("rmdir d", rmdir(in_dir(dir, "d")) == 0);
    errno = 0;
    step("open missing.txt", open(in_dir(dir, "missing.txt"), O_RDONLY) >= 0);
    list(dir);
    return 0;
}
