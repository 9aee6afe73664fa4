/* testapp.h -- the small application the HTTP tests serve: a schema built
 * from SDL with C resolvers, and http_app callbacks with fixed credentials.
 * Shared by the C tests (test_http.c) and the server the graphql-http audit
 * drives (http_testd.c).
 *
 * Credentials: bearer TESTAPP_TOKEN and cookie TESTAPP_SESSION are valid
 * (caller "alice"); anything else is not. Login: alice/secret succeeds,
 * name "throttled" is throttled (retry after 42 s), name "broken" fails
 * internally, anything else is denied.
 */
#ifndef EPFIOT_TESTAPP_H
#define EPFIOT_TESTAPP_H

#include <pthread.h>

#include "http.h"

#define TESTAPP_TOKEN "good-token"
#define TESTAPP_SESSION "good-session"
#define TESTAPP_NEW_SESSION "new-session"

typedef struct testapp {
    gql_schema *schema;
    http_app app;
    pthread_mutex_t lock;
    int begun, ended; /* request_begin contexts given / request_end calls */
    int anonymous_begun;
    int mutations;        /* Mutation.bump calls */
    char last_logout[64]; /* token POST /logout ended */
    char last_login_addr[64];
} testapp;

/* NULL on failure (the SDL is wrong). */
testapp *testapp_new(void);
void testapp_free(testapp *t);

#endif
