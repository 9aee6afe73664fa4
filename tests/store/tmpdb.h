/* tmpdb.h -- a throw-away database directory for the store tests.
 *
 * Each test gets a fresh mkdtemp directory holding its database file, so
 * tests never see each other's rows, and removes it (with SQLite's -wal and
 * -shm side files) when done.
 */
#ifndef EPFIOT_TESTS_TMPDB_H
#define EPFIOT_TESTS_TMPDB_H

#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct tmpdb {
    char dir[64];
    char path[128];
} tmpdb;

static inline void tmpdb_init(tmpdb *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/epfiot-store-XXXXXX");
    if (!mkdtemp(t->dir)) {
        perror("mkdtemp");
        abort();
    }
    snprintf(t->path, sizeof t->path, "%s/epfiot.db", t->dir);
}

static inline void tmpdb_remove(tmpdb *t)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char p[160];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(p, sizeof p, "%s%s", t->path, suffixes[i]);
        unlink(p);
    }
    rmdir(t->dir);
}

/* Opens the test database; aborts the test program if that fails, since
 * nothing after it could mean anything. */
static inline store *tmpdb_open(tmpdb *t)
{
    store *st = NULL;
    if (store_open(t->path, &st) != STORE_OK) {
        fprintf(stderr, "cannot open %s: %s\n", t->path, store_errmsg(st));
        abort();
    }
    return st;
}

/* A fresh directory and an open store in it. */
static inline store *tmpdb_new(tmpdb *t)
{
    tmpdb_init(t);
    return tmpdb_open(t);
}

static inline void tmpdb_done(tmpdb *t, store *st)
{
    store_close(st);
    tmpdb_remove(t);
}

/* A user with a placeholder hash: store tests do not need real ones. */
static inline int64_t tmpdb_user(store *st, const char *name)
{
    int64_t id = 0;
    if (store_user_create(st, name, STORE_ROLE_USER, "$argon2id$placeholder", &id) != STORE_OK) {
        fprintf(stderr, "cannot create user %s: %s\n", name, store_errmsg(st));
        abort();
    }
    return id;
}

/* A VM of `owner` named `name` with 1 vCPU and 256 MiB. */
static inline int64_t tmpdb_vm(store *st, int64_t owner, const char *name)
{
    store_vm vm = {.owner_id = owner,
                   .name = (char *)name,
                   .base = (char *)"debian-12",
                   .vcpu = 1,
                   .memory_mib = 256};
    store_status r = store_vm_create(st, &vm);
    int64_t id = vm.id;
    free(vm.domain_name);
    if (r != STORE_OK) {
        fprintf(stderr, "cannot create VM %s: %s\n", name, store_errmsg(st));
        abort();
    }
    return id;
}

#endif
