/* xml_host.c -- the host's own libvirt objects as XML: the VMs' routed
 * network, the directory storage pools, and a base image volume.
 *
 * These are what `epfiotd setup-host` defines (lv_host.c) and what an image
 * import creates before the upload. Same rule as xml.c: every value from
 * the configuration or a user is escaped, the layout is fixed and pinned by
 * golden files (tests/driver/golden/network-*.xml, pool-*.xml).
 */
#include "xml.h"

char *dx_network_xml(const dx_network *n)
{
    xbuf b = {0};
    if (n->no_ping)
        xbuf_line(&b, "<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>");
    else
        xbuf_line(&b, "<network>");
    xbuf_indent(&b, 2);
    xbuf_elem(&b, "name", n->name);
    /* Routed, as in the thesis: the VMs' addresses are reachable from the
     * host's LAN through a route to the appliance, no NAT in between. */
    xbuf_line(&b, "<forward mode='route'/>");
    xbuf_line(&b, "<bridge name='");
    xbuf_escape(&b, n->bridge);
    xbuf_add(&b, "' stp='on' delay='0'/>");
    xbuf_line(&b, "<ip address='");
    xbuf_escape(&b, n->address);
    xbuf_add(&b, "' prefix='%u'>", n->prefix);
    xbuf_indent(&b, 2);
    xbuf_line(&b, "<dhcp>");
    xbuf_line(&b, "  <range start='");
    xbuf_escape(&b, n->dhcp_start);
    xbuf_add(&b, "' end='");
    xbuf_escape(&b, n->dhcp_end);
    xbuf_add(&b, "'/>");
    xbuf_line(&b, "</dhcp>");
    xbuf_indent(&b, -2);
    xbuf_line(&b, "</ip>");
    /* dnsmasq otherwise pings an address for 3 s before offering it. */
    if (n->no_ping) {
        xbuf_line(&b, "<dnsmasq:options>");
        xbuf_line(&b, "  <dnsmasq:option value='no-ping'/>");
        xbuf_line(&b, "</dnsmasq:options>");
    }
    xbuf_indent(&b, -2);
    xbuf_line(&b, "</network>");
    return xbuf_take(&b);
}

char *dx_dir_pool_xml(const char *name, const char *path)
{
    xbuf b = {0};
    xbuf_line(&b, "<pool type='dir'>");
    xbuf_indent(&b, 2);
    xbuf_elem(&b, "name", name);
    xbuf_line(&b, "<target>");
    xbuf_indent(&b, 2);
    xbuf_elem(&b, "path", path);
    xbuf_indent(&b, -2);
    xbuf_line(&b, "</target>");
    xbuf_indent(&b, -2);
    xbuf_line(&b, "</pool>");
    return xbuf_take(&b);
}

char *dx_image_volume_xml(const char *name, unsigned long long capacity_bytes, const char *format)
{
    xbuf b = {0};
    xbuf_line(&b, "<volume>");
    xbuf_indent(&b, 2);
    xbuf_elem(&b, "name", name);
    xbuf_line(&b, "<capacity unit='bytes'>%llu</capacity>", capacity_bytes);
    xbuf_line(&b, "<target>");
    xbuf_line(&b, "  <format type='");
    xbuf_escape(&b, format);
    xbuf_add(&b, "'/>");
    xbuf_line(&b, "</target>");
    xbuf_indent(&b, -2);
    xbuf_line(&b, "</volume>");
    return xbuf_take(&b);
}

char *dx_probe_domain_xml(const char *name, const char *virt_type, const char *kernel)
{
    xbuf b = {0};
    xbuf_line(&b, "<domain type='");
    xbuf_escape(&b, virt_type);
    xbuf_add(&b, "'>");
    xbuf_indent(&b, 2);
    xbuf_elem(&b, "name", name);
    /* A kernel needs room to unpack itself before its first line. */
    xbuf_line(&b, "<memory unit='MiB'>%d</memory>", kernel ? 128 : 32);
    xbuf_line(&b, "<vcpu>1</vcpu>");
    xbuf_line(&b, "<os>");
    xbuf_line(&b, "  <type arch='x86_64'>hvm</type>");
    if (kernel) {
        /* The kernel's first lines, before it looks for a root: under a
         * broken nested KVM it hangs before printing any. */
        xbuf_line(&b, "  <kernel>");
        xbuf_escape(&b, kernel);
        xbuf_add(&b, "</kernel>");
        xbuf_line(&b, "  <cmdline>console=ttyS0 earlyprintk=ttyS0 panic=-1</cmdline>");
    } else {
        /* SeaBIOS's banner and "No bootable device" go to the serial port. */
        xbuf_line(&b, "  <bios useserial='yes'/>");
    }
    xbuf_line(&b, "</os>");
    xbuf_line(&b, "<on_reboot>destroy</on_reboot>");
    xbuf_line(&b, "<on_crash>destroy</on_crash>");
    xbuf_line(&b, "<devices>");
    xbuf_line(&b, "  <serial type='pty'/>");
    xbuf_line(&b, "  <console type='pty'/>");
    xbuf_line(&b, "  <memballoon model='none'/>");
    xbuf_line(&b, "</devices>");
    xbuf_indent(&b, -2);
    xbuf_line(&b, "</domain>");
    return xbuf_take(&b);
}
