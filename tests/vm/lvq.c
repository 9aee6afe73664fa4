/* lvq.c -- the real-VM shell tests' window on libvirtd (the machine has no
 * virsh): prints what the test asks of a network or pool, or stops a pool.
 *
 *   lvq URI net NAME        "active=A autostart=S", then the network's XML
 *   lvq URI pool NAME       "active=A autostart=S", then the pool's XML
 *   lvq URI pool-stop NAME  destroys (stops) the pool
 */
#include <libvirt/libvirt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: lvq URI net|pool|pool-stop NAME\n");
        return 2;
    }
    virConnectPtr c = virConnectOpen(argv[1]);
    if (!c)
        return 1;
    int rc = 1, autostart = -1;
    char *xml = NULL;
    if (!strcmp(argv[2], "net")) {
        virNetworkPtr n = virNetworkLookupByName(c, argv[3]);
        if (n) {
            virNetworkGetAutostart(n, &autostart);
            printf("active=%d autostart=%d\n", virNetworkIsActive(n), autostart);
            xml = virNetworkGetXMLDesc(n, 0);
            virNetworkFree(n);
        }
    } else {
        virStoragePoolPtr p = virStoragePoolLookupByName(c, argv[3]);
        if (p && !strcmp(argv[2], "pool-stop")) {
            rc = virStoragePoolDestroy(p) == 0 ? 0 : 1;
        } else if (p) {
            virStoragePoolGetAutostart(p, &autostart);
            printf("active=%d autostart=%d\n", virStoragePoolIsActive(p), autostart);
            xml = virStoragePoolGetXMLDesc(p, 0);
        }
        if (p)
            virStoragePoolFree(p);
    }
    if (xml) {
        fputs(xml, stdout);
        free(xml);
        rc = 0;
    }
    virConnectClose(c);
    return rc;
}
