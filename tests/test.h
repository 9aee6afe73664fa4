/* test.h -- a minimal test runner for EPFIOT's C tests.
 *
 * Each test file is one executable run by `meson test`. Tests register
 * themselves with TEST(name) { ... } and use CHECK* macros; a failed check
 * reports file:line and the values, marks the test failed and continues with
 * the next check. main() (from TEST_MAIN()) runs every test, or only those
 * whose names contain argv[1], and ends with a line "N passed, M failed".
 */
#ifndef EPFIOT_TEST_H
#define EPFIOT_TEST_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*test_fn)(void);
typedef struct test_case {
    const char *name;
    test_fn fn;
} test_case;

extern test_case test_cases[];
extern size_t test_ncases;
extern int test_current_failed;

void test_register(const char *name, test_fn fn);

#define TEST(name)                                                                                 \
    static void test_##name(void);                                                                 \
    __attribute__((constructor)) static void test_reg_##name(void)                                 \
    {                                                                                              \
        test_register(#name, test_##name);                                                         \
    }                                                                                              \
    static void test_##name(void)

#define TEST_FAIL_(...)                                                                            \
    do {                                                                                           \
        fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);                                          \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
        test_current_failed = 1;                                                                   \
    } while (0)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            TEST_FAIL_("CHECK(%s) failed", #cond);                                                 \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_)                                                                              \
            TEST_FAIL_("%s == %s failed: %lld != %lld", #a, #b, a_, b_);                           \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                                                     \
            TEST_FAIL_("%s == %s failed:\n    got:      %s\n    expected: %s", #a, #b,            \
                       a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                   \
    } while (0)

/* Substring check, handy for error messages. */
#define CHECK_CONTAINS(hay, needle)                                                                \
    do {                                                                                           \
        const char *h_ = (hay), *n_ = (needle);                                                    \
        if (!h_ || !strstr(h_, n_))                                                                \
            TEST_FAIL_("%s does not contain \"%s\":\n    %s", #hay, n_, h_ ? h_ : "(null)");      \
    } while (0)

/* Read a whole file (tests' golden files); returns malloc'ed text or NULL. */
char *test_read_file(const char *path, size_t *len);
/* Directory of the test data, from the TEST_DATA_DIR environment variable
 * set by meson (falls back to "."). */
const char *test_data_dir(void);

#define TEST_MAIN()                                                                                \
    test_case test_cases[1024];                                                                    \
    size_t test_ncases;                                                                            \
    int test_current_failed;                                                                       \
    void test_register(const char *name, test_fn fn)                                               \
    {                                                                                              \
        if (test_ncases < sizeof test_cases / sizeof test_cases[0])                                \
            test_cases[test_ncases++] = (test_case){name, fn};                                     \
    }                                                                                              \
    char *test_read_file(const char *path, size_t *len)                                            \
    {                                                                                              \
        FILE *f = fopen(path, "rb");                                                               \
        if (!f)                                                                                    \
            return NULL;                                                                           \
        size_t cap = 4096, n = 0;                                                                  \
        char *p = malloc(cap);                                                                     \
        size_t r;                                                                                  \
        while (p && (r = fread(p + n, 1, cap - n - 1, f)) > 0) {                                   \
            n += r;                                                                                \
            if (cap - n - 1 == 0) {                                                                \
                char *q = realloc(p, cap *= 2);                                                    \
                if (!q) {                                                                          \
                    free(p);                                                                       \
                    p = NULL;                                                                      \
                }                                                                                  \
                else                                                                               \
                    p = q;                                                                         \
            }                                                                                      \
        }                                                                                          \
        fclose(f);                                                                                 \
        if (p) {                                                                                   \
            p[n] = '\0';                                                                           \
            if (len)                                                                               \
                *len = n;                                                                          \
        }                                                                                          \
        return p;                                                                                  \
    }                                                                                              \
    const char *test_data_dir(void)                                                                \
    {                                                                                              \
        const char *d = getenv("TEST_DATA_DIR");                                                   \
        return d ? d : ".";                                                                        \
    }                                                                                              \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        size_t passed = 0, failed = 0;                                                             \
        for (size_t i = 0; i < test_ncases; i++) {                                                 \
            if (argc > 1 && !strstr(test_cases[i].name, argv[1]))                                  \
                continue;                                                                          \
            test_current_failed = 0;                                                               \
            test_cases[i].fn();                                                                    \
            if (test_current_failed) {                                                             \
                failed++;                                                                          \
                fprintf(stderr, "FAIL %s\n", test_cases[i].name);                                  \
            } else {                                                                               \
                passed++;                                                                          \
                printf("ok   %s\n", test_cases[i].name);                                           \
            }                                                                                      \
        }                                                                                          \
        printf("%zu passed, %zu failed\n", passed, failed);                                        \
        return failed ? 1 : 0;                                                                     \
    }

#endif
