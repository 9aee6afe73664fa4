/* seed.h -- a VM's cloud-init NoCloud seed, built in memory.
 *
 * cloud-init's NoCloud data source reads a small ISO 9660 filesystem labelled
 * "cidata" holding three files: meta-data (instance-id, local-hostname),
 * user-data (here a #cloud-config document) and network-config (version 2,
 * the NIC matched by MAC address, not by a name the guest kernel chooses).
 * The driver uploads the ISO into a pool volume and attaches it read-only as
 * a CD-ROM, so nothing is written on the host outside libvirt.
 *
 * The documents are YAML written by this module only: every value from a
 * user is emitted as a double-quoted YAML scalar with escapes, so a hostname
 * or SSH key cannot add keys or list items. Passwords arrive hashed (crypt
 * format, made by the caller with a random salt): plaintext never reaches
 * the seed. Only keys of cloud-init's own schema are written (no `users: []`,
 * which its schema rejects: with no user configured the key is left out).
 *
 * The tenant's own user-data (a "#!" script or a "#cloud-config" document,
 * validated and size-limited by the caller) does not replace the generated
 * document: both go into a MIME multipart user-data, cloud-init's documented
 * way of combining parts ("text/cloud-config" + "text/x-shellscript", or two
 * cloud-config parts merged with a Merge-Type header that appends lists).
 *
 * The ISO is made with libisofs (Rock Ridge and Joliet, as cloud-init and
 * the guest kernels expect) and returned as one malloc'ed buffer.
 */
#ifndef EPFIOT_DRIVER_SEED_H
#define EPFIOT_DRIVER_SEED_H

#include <stdbool.h>
#include <stddef.h>

typedef struct seed_user {
    const char *name;
    const char *password_hash; /* crypt(3) text, "$6$..." / "$y$..."; NULL: locked */
    const char *const *ssh_keys;
    size_t nssh_keys;
    /* Gets sudo: with its password when it has one, else (keys only) without. */
    bool sudo;
} seed_user;

typedef struct seed_config {
    const char *instance_id; /* unique per VM (and per re-provisioning) */
    const char *hostname;
    const char *mac; /* the NIC to configure with DHCP; NULL: no network-config */
    const seed_user *users;
    size_t nusers;
    const char *const *packages;
    size_t npackages;
    /* The tenant's part: "#!..." (a script cloud-init runs once at first
     * boot) or "#cloud-config..." (merged after the generated one). NULL:
     * user-data is the generated #cloud-config alone. */
    const char *user_data;
} seed_config;

/* The three documents (malloc'ed text; the caller frees). seed_user_data
 * is the generated #cloud-config, or a multipart/mixed message when
 * c->user_data is set. seed_cloud_config is the generated part alone. */
char *seed_meta_data(const seed_config *c);
char *seed_user_data(const seed_config *c);
char *seed_cloud_config(const seed_config *c);
char *seed_network_config(const seed_config *c);

/* The cidata ISO image: *iso (malloc'ed) and *len. Returns false and a
 * message in err when libisofs fails. */
bool seed_iso_build(const seed_config *c, unsigned char **iso, size_t *len, char *err,
                    size_t errlen);

/* Reads the file at `path` ("/user-data") back from an ISO image in memory,
 * through libisofs's reader (for tests and diagnostics). *data is malloc'ed
 * and NUL-terminated; volume_id, when not NULL, receives the volume label
 * (malloc'ed). Returns false when the image or the file cannot be read. */
bool seed_iso_read(const unsigned char *iso, size_t len, const char *path, char **data,
                   size_t *data_len, char **volume_id);

#endif
