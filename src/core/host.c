/* host.c -- the host check at start: the daemon's network and storage
 * pools must exist (created by `epfiotd setup-host`); inactive ones are
 * started, and said in the log. */
#include "internal.h"

#include <stdio.h>

static void host_say(void *ud, const char *line)
{
    core_log(ud, CORE_LOG_INFO, "%s", line);
}

core_code core_check_host(core *c, char *msg, size_t msglen)
{
    core_drv_lock(c);
    drv_status st = drv_host_check(c->d, host_say, c);
    if (st != DRV_OK)
        snprintf(msg, msglen, "%s", drv_errmsg(c->d));
    core_drv_unlock(c);
    if (st == DRV_OK)
        return CORE_OK;
    return st == DRV_NOT_FOUND ? CORE_NOT_FOUND : CORE_INTERNAL;
}

void core_log_host(core *c)
{
    drv_host_info h;
    core_drv_lock(c);
    drv_status st = drv_host_info_get(c->d, &h);
    if (st != DRV_OK)
        core_log(c, CORE_LOG_WARN, "cannot read the host: %s", drv_errmsg(c->d));
    core_drv_unlock(c);
    if (st != DRV_OK)
        return;
    core_log(c, CORE_LOG_INFO, "VMs run under %s", drv_virt_name(h.virt));
    if (h.warning[0])
        core_log(c, CORE_LOG_WARN, "%s", h.warning);
}
