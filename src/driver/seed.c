/* seed.c -- the cloud-init NoCloud seed ISO, built in memory with libisofs.
 *
 * See seed.h for what goes into the seed and why. Two halves: the YAML
 * writers (plain text through xbuf, every user value double-quoted and
 * escaped by seed_yaml_str) and the ISO writer/reader on libisofs, which
 * needs no file: the image is streamed from libisofs's burn_source into a
 * buffer, and read back through an IsoDataSource over that buffer.
 */
#include "seed.h"

#include "xml.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* libisofs declares struct burn_source (the image writer's output) only
 * when told that libburn is not there to declare it; it needs stdint.h and
 * sys/types.h first. */
#define LIBISOFS_WITHOUT_LIBBURN 1
#include <libisofs/libisofs.h>

/* ---- YAML -------------------------------------------------------------- */

/* A YAML double-quoted scalar: the one form in which any text (quotes,
 * colons, '#', newlines, a leading '-') stays one value. */
static void seed_yaml_str(xbuf *b, const char *s)
{
    xbuf_add(b, "\"");
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"':
            xbuf_add(b, "\\\"");
            break;
        case '\\':
            xbuf_add(b, "\\\\");
            break;
        case '\n':
            xbuf_add(b, "\\n");
            break;
        case '\t':
            xbuf_add(b, "\\t");
            break;
        case '\r':
            xbuf_add(b, "\\r");
            break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                xbuf_add(b, "\\x%02x", *p);
            else
                xbuf_add(b, "%c", *p);
        }
    }
    xbuf_add(b, "\"");
}

/* `key: "value"` on its own line at the buffer's indentation. */
static void seed_yaml_kv(xbuf *b, const char *key, const char *value)
{
    xbuf_line(b, "%s: ", key);
    seed_yaml_str(b, value);
}

char *seed_meta_data(const seed_config *c)
{
    xbuf b = {0};
    seed_yaml_kv(&b, "instance-id", c->instance_id);
    if (c->hostname)
        seed_yaml_kv(&b, "local-hostname", c->hostname);
    xbuf_add(&b, "\n");
    return xbuf_take(&b);
}

static void seed_user_append(xbuf *b, const seed_user *u)
{
    xbuf_line(b, "  - name: ");
    seed_yaml_str(b, u->name);
    xbuf_indent(b, 4);
    /* Without a hash the account exists for SSH keys only. */
    xbuf_line(b, "lock_passwd: %s", u->password_hash ? "false" : "true");
    if (u->password_hash)
        seed_yaml_kv(b, "passwd", u->password_hash);
    /* sudo asks for the password the user has; a keys-only account has
     * none to give. */
    if (u->sudo)
        seed_yaml_kv(b, "sudo", u->password_hash ? "ALL=(ALL) ALL" : "ALL=(ALL) NOPASSWD:ALL");
    if (u->nssh_keys) {
        xbuf_line(b, "ssh_authorized_keys:");
        for (size_t k = 0; k < u->nssh_keys; k++) {
            xbuf_line(b, "  - ");
            seed_yaml_str(b, u->ssh_keys[k]);
        }
    }
    xbuf_indent(b, -4);
}

char *seed_cloud_config(const seed_config *c)
{
    xbuf b = {0};
    xbuf_add(&b, "#cloud-config");
    if (c->hostname) {
        seed_yaml_kv(&b, "hostname", c->hostname);
        xbuf_line(&b, "preserve_hostname: false");
    }
    /* No users: the key is left out, as cloud-init's schema wants it
     * (an empty list is invalid there). cloud-init then makes the image's
     * default user, locked and without keys: nobody can log in with it. */
    if (c->nusers)
        xbuf_line(&b, "users:");
    for (size_t i = 0; i < c->nusers; i++)
        seed_user_append(&b, &c->users[i]);
    if (c->npackages) {
        xbuf_line(&b, "packages:");
        for (size_t i = 0; i < c->npackages; i++) {
            xbuf_line(&b, "  - ");
            seed_yaml_str(&b, c->packages[i]);
        }
    }
    xbuf_add(&b, "\n");
    return xbuf_take(&b);
}

/* A boundary that occurs nowhere in the parts: the first of
 * "==epfiot-seed-N==" that neither text contains (N = 0 nearly always, so
 * the golden files stay stable). */
static void seed_boundary(const char *a, const char *b, char *out, size_t len)
{
    for (unsigned n = 0;; n++) {
        snprintf(out, len, "==epfiot-seed-%u==", n);
        if (!strstr(a, out) && !strstr(b, out))
            return;
    }
}

static void seed_mime_part(xbuf *b, const char *boundary, const char *type, const char *filename,
                           const char *merge, const char *text)
{
    xbuf_add(b, "--%s\n", boundary);
    xbuf_add(b, "Content-Type: %s; charset=\"utf-8\"\n", type);
    xbuf_add(b, "MIME-Version: 1.0\n");
    xbuf_add(b, "Content-Transfer-Encoding: 8bit\n");
    xbuf_add(b, "Content-Disposition: attachment; filename=\"%s\"\n", filename);
    if (merge)
        xbuf_add(b, "Merge-Type: %s\n", merge);
    xbuf_add(b, "\n");
    size_t n = strlen(text);
    xbuf_add(b, "%s%s", text, n && text[n - 1] == '\n' ? "" : "\n");
}

char *seed_user_data(const seed_config *c)
{
    char *generated = seed_cloud_config(c);
    if (!c->user_data)
        return generated;
    /* cloud-init's multipart user-data: the generated part first, then the
     * tenant's. A script runs once at first boot (scripts-user); a second
     * cloud-config is merged into the first with cloud-init's documented
     * Merge-Type: its lists are appended (packages, users, runcmd add to
     * ours); a scalar key set in both keeps the API's value (hostname). */
    bool script = strncmp(c->user_data, "#!", 2) == 0;
    char boundary[48];
    seed_boundary(generated, c->user_data, boundary, sizeof boundary);
    xbuf b = {0};
    xbuf_add(&b, "Content-Type: multipart/mixed; boundary=\"%s\"\n", boundary);
    xbuf_add(&b, "MIME-Version: 1.0\n\n");
    seed_mime_part(&b, boundary, "text/cloud-config", "epfiot.cfg", NULL, generated);
    if (script)
        seed_mime_part(&b, boundary, "text/x-shellscript", "user-script", NULL, c->user_data);
    else
        seed_mime_part(&b, boundary, "text/cloud-config", "user.cfg",
                       "list(append)+dict(recurse_array)+str()", c->user_data);
    xbuf_add(&b, "--%s--\n", boundary);
    free(generated);
    return xbuf_take(&b);
}

char *seed_network_config(const seed_config *c)
{
    xbuf b = {0};
    xbuf_add(&b, "version: 2");
    /* Without a NIC, an empty mapping: a bare "ethernets:" would be null. */
    xbuf_line(&b, "ethernets:%s", c->mac ? "" : " {}");
    if (c->mac) {
        /* Matched by MAC: the interface name (eth0, ens3, enp1s0) depends on
         * the guest's kernel and udev rules; the MAC is what we assigned. */
        xbuf_line(&b, "  nic0:");
        xbuf_line(&b, "    match:");
        xbuf_line(&b, "      macaddress: ");
        seed_yaml_str(&b, c->mac);
        xbuf_line(&b, "    dhcp4: true");
    }
    xbuf_add(&b, "\n");
    return xbuf_take(&b);
}

/* ---- ISO writer -------------------------------------------------------- */

static pthread_once_t seed_iso_once = PTHREAD_ONCE_INIT;
static int seed_iso_init_rc;

static void seed_iso_init(void)
{
    seed_iso_init_rc = iso_init();
    /* libisofs prints its messages to stderr by default; the driver
     * reports failures through its own error path instead. */
    if (seed_iso_init_rc >= 0)
        iso_set_msgs_severities("NEVER", "NEVER", "seed");
}

static bool seed_iso_ready(char *err, size_t errlen)
{
    pthread_once(&seed_iso_once, seed_iso_init);
    if (seed_iso_init_rc < 0) {
        snprintf(err, errlen, "libisofs: cannot initialise (%d)", seed_iso_init_rc);
        return false;
    }
    return true;
}

/* Adds `text` (taken: freed by libisofs with the stream) as /name. */
static int seed_iso_add(IsoImage *img, const char *name, char *text)
{
    IsoStream *stream = NULL;
    int rc = iso_memory_stream_new((unsigned char *)text, strlen(text), &stream);
    if (rc < 0) {
        free(text);
        return rc;
    }
    rc = iso_tree_add_new_file(iso_image_get_root(img), name, stream, NULL);
    if (rc < 0)
        iso_stream_unref(stream);
    return rc;
}

/* Drains a burn_source into one buffer, 2 KiB sectors at a time. */
static int seed_iso_drain(struct burn_source *src, unsigned char **out, size_t *len)
{
    size_t cap = 64 * 2048, n = 0;
    unsigned char *buf = malloc(cap);
    if (!buf)
        abort();
    for (;;) {
        if (n + 2048 > cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf)
                abort();
        }
        int r = src->read_xt(src, buf + n, 2048);
        if (r < 0) {
            free(buf);
            return r;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *out = buf;
    *len = n;
    return 1;
}

bool seed_iso_build(const seed_config *c, unsigned char **iso, size_t *len, char *err,
                    size_t errlen)
{
    *iso = NULL;
    *len = 0;
    if (!seed_iso_ready(err, errlen))
        return false;
    IsoImage *img = NULL;
    IsoWriteOpts *opts = NULL;
    struct burn_source *src = NULL;
    const char *what = "create image";
    /* cloud-init finds the seed by this volume label. */
    int rc = iso_image_new("cidata", &img);
    if (rc >= 0) {
        what = "add files";
        rc = seed_iso_add(img, "meta-data", seed_meta_data(c));
    }
    if (rc >= 0)
        rc = seed_iso_add(img, "user-data", seed_user_data(c));
    if (rc >= 0)
        rc = seed_iso_add(img, "network-config", seed_network_config(c));
    if (rc >= 0) {
        what = "set options";
        rc = iso_write_opts_new(&opts, 0);
    }
    /* Rock Ridge keeps the lower-case, dashed names ("meta-data") that
     * plain ISO 9660 level 1 would mangle; Joliet is what some guests read
     * instead. */
    if (rc >= 0)
        rc = iso_write_opts_set_rockridge(opts, 1);
    if (rc >= 0)
        rc = iso_write_opts_set_joliet(opts, 1);
    /* Keep the label lower-case in the primary volume descriptor too, as
     * genisoimage -V cidata writes it (ISO 9660 proper would upper-case it;
     * cloud-init looks for either). */
    if (rc >= 0)
        rc = iso_write_opts_set_relaxed_vol_atts(opts, 1);
    if (rc >= 0) {
        what = "write image";
        rc = iso_image_create_burn_source(img, opts, &src);
    }
    if (rc >= 0)
        rc = seed_iso_drain(src, iso, len);
    if (src) {
        src->free_data(src);
        free(src);
    }
    if (opts)
        iso_write_opts_free(opts);
    if (img)
        iso_image_unref(img);
    if (rc < 0) {
        snprintf(err, errlen, "cannot build the seed ISO: %s: %s", what, iso_error_to_msg(rc));
        return false;
    }
    return true;
}

/* ---- ISO reader -------------------------------------------------------- */

typedef struct seed_mem {
    const unsigned char *data;
    size_t len;
} seed_mem;

static int seed_mem_open(IsoDataSource *s)
{
    return 1;
}

static int seed_mem_close(IsoDataSource *s)
{
    return 1;
}

static int seed_mem_read(IsoDataSource *s, uint32_t lba, uint8_t *buffer)
{
    const seed_mem *m = s->data;
    size_t off = (size_t)lba * 2048;
    if (off + 2048 > m->len)
        return ISO_DATA_SOURCE_FAILURE;
    memcpy(buffer, m->data + off, 2048);
    return 1;
}

static void seed_mem_free(IsoDataSource *s) {}

static bool seed_stream_slurp(IsoStream *st, char **data, size_t *data_len)
{
    off_t size = iso_stream_get_size(st);
    if (size < 0 || iso_stream_open(st) < 0)
        return false;
    char *buf = malloc((size_t)size + 1);
    if (!buf)
        abort();
    size_t n = 0;
    while (n < (size_t)size) {
        int r = iso_stream_read(st, buf + n, (size_t)size - n);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    iso_stream_close(st);
    if (n != (size_t)size) {
        free(buf);
        return false;
    }
    buf[n] = '\0';
    *data = buf;
    *data_len = n;
    return true;
}

bool seed_iso_read(const unsigned char *iso, size_t len, const char *path, char **data,
                   size_t *data_len, char **volume_id)
{
    *data = NULL;
    *data_len = 0;
    if (volume_id)
        *volume_id = NULL;
    char err[128];
    if (!seed_iso_ready(err, sizeof err))
        return false;
    seed_mem mem = {iso, len};
    IsoDataSource src = {
        .version = 0,
        .refcount = 1,
        .open = seed_mem_open,
        .close = seed_mem_close,
        .read_block = seed_mem_read,
        .free_data = seed_mem_free,
        .data = &mem,
    };
    IsoImage *img = NULL;
    IsoReadOpts *ropts = NULL;
    IsoNode *node = NULL;
    bool ok = false;
    if (iso_image_new("read", &img) < 0 || iso_read_opts_new(&ropts, 0) < 0)
        goto out;
    if (iso_image_import(img, &src, ropts, NULL) < 0)
        goto out;
    if (iso_tree_path_to_node(img, path, &node) != 1 || iso_node_get_type(node) != LIBISO_FILE)
        goto out;
    ok = seed_stream_slurp(iso_file_get_stream((IsoFile *)node), data, data_len);
    if (ok && volume_id) {
        const char *v = iso_image_get_volume_id(img);
        *volume_id = strdup(v ? v : "");
    }
out:
    if (ropts)
        iso_read_opts_free(ropts);
    if (img)
        iso_image_unref(img);
    return ok;
}
