/* replay.c -- run a fuzz target over saved inputs, without libFuzzer.
 *
 * Linked with one target's LLVMFuzzerTestOneInput, this main() feeds it every
 * file named on the command line and every file of every directory named
 * (sorted, so runs are reproducible). It is built in the normal build and
 * registered as a meson test over the seed corpus and tests/fuzz/regressions/,
 * so an input that once crashed the engine keeps being checked, under ASan
 * too, on compilers without libFuzzer. A crash or a failed property aborts,
 * which fails the test; the last "replay:" line names the input.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_file(const char *path)
{
    size_t len = 0;
    char *text = fuzz_read_file(path, &len);
    if (!text) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        return 1;
    }
    printf("replay: %s\n", path);
    fflush(stdout);
    /* An exact-size copy, as libFuzzer passes it, so over-reads are caught. */
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, text, len);
    free(text);
    LLVMFuzzerTestOneInput(copy, len);
    free(copy);
    return 0;
}

static int replay_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay: cannot open %s\n", dir);
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
        }
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_names);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            rc |= replay_file(path);
            (*count)++;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        printf("usage: %s FILE-OR-DIRECTORY...\n"
               "Feed every input to the fuzz target once (no mutation).\n",
               argv[0]);
        return argc < 2 ? 2 : 0;
    }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    size_t count = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0)
            continue; /* a target without regressions has no directory */
        if (S_ISDIR(st.st_mode))
            rc |= replay_dir(argv[i], &count);
        else {
            rc |= replay_file(argv[i]);
            count++;
        }
    }
    /* Every input that got here passed (a failure aborts); the line has the
     * test runner's "N passed, M failed" form so totals count inputs too. */
    printf("replay: %zu passed, %d failed\n", count, rc ? 1 : 0);
    return rc;
}
