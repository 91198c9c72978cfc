/* Hello world for WASI through wasi-libc: prints a greeting, its arguments and the variable
 * GREETING, then returns 7 from main so the test can check the exit code.
 * Built by product-mini/platforms/linux/tests/wasi_programs.rs. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    printf("hello from C\n");
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++) {
        printf("argv[%d]=%s\n", i, argv[i]);
    }
    const char *greeting = getenv("GREETING");
    printf("GREETING=%s\n", greeting ? greeting : "(unset)");
    fprintf(stderr, "bye from C\n");
    return 7;
}
