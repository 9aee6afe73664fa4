/* test_hooks.h -- crash points for the kill -9 tests, in test builds only.
 *
 * A multi-step operation (createVm: row, overlay, domain, row again) marks
 * its steps with EPFIOT_HOOK("name"). In the test-only build of the daemon
 * (epfiotd-hooks, compiled with -DEPFIOT_TEST_HOOKS) the process kills
 * itself with SIGKILL at the step named by the environment variable
 * EPFIOT_TEST_KILL_AT, exactly as a power cut or `kill -9` would stop it
 * there; the tests then restart the normal daemon on the same database and
 * check what reconciliation leaves. In every other build the macro is
 * nothing: the shipped binary has no such code and reads no such variable.
 */
#ifndef EPFIOT_TEST_HOOKS_H
#define EPFIOT_TEST_HOOKS_H

#ifdef EPFIOT_TEST_HOOKS
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static inline void epfiot_hook(const char *step)
{
    const char *at = getenv("EPFIOT_TEST_KILL_AT");
    if (at && strcmp(at, step) == 0)
        raise(SIGKILL);
}
#define EPFIOT_HOOK(step) epfiot_hook(step)
#else
#define EPFIOT_HOOK(step) ((void)0)
#endif

#endif
