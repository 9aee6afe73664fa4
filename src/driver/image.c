/* image.c -- what a base image file is, from its first bytes.
 *
 * Base images come from outside (a file an admin names, an upload), and a
 * VM's disk is an overlay on one, so the driver accepts only what can stand
 * alone as a disk: raw, or qcow2 without a backing file (a backing file is
 * a path on the host the image would make QEMU open). A kernel or an
 * initramfs in the image pool is a boot file for direct kernel boot, never
 * a disk; compressed files and other disk formats are refused with what
 * they look like, so the admin knows what to convert.
 */
#include "driver.h"

#include <stdint.h>
#include <string.h>

static uint64_t be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static bool starts(const unsigned char *head, size_t n, const char *magic, size_t len)
{
    return n >= len && memcmp(head, magic, len) == 0;
}

const char *drv_image_sniff(const unsigned char *head, size_t n, const char **format)
{
    *format = NULL;
    if (n == 0)
        return "the file is empty";
    if (starts(head, n, "QFI\xfb", 4)) {
        /* qcow2 header: version (4), backing_file_offset (8), then
         * backing_file_size; 72 bytes in version 2. */
        if (n < 72)
            return "a truncated qcow2 header";
        if (be64(head + 8) != 0)
            return "a qcow2 image with a backing file (a base image must stand alone: "
                   "qemu-img convert it first)";
        *format = "qcow2";
        return NULL;
    }
    static const struct {
        const char *magic;
        size_t len;
        const char *what;
    } refused[] = {
        {"\x7f"
         "ELF",
         4, "an ELF file (a kernel?), not a disk image"},
        {"070701", 6, "a cpio archive (an initramfs?), not a disk image"},
        {"070702", 6, "a cpio archive (an initramfs?), not a disk image"},
        {"\x1f\x8b", 2, "gzip-compressed (an initramfs?): decompress a disk image first"},
        {"\xfd"
         "7zXZ",
         6, "xz-compressed: decompress a disk image first"},
        {"\x28\xb5\x2f\xfd", 4, "zstd-compressed: decompress a disk image first"},
        {"BZh", 3, "bzip2-compressed: decompress a disk image first"},
        {"\x02\x21\x4c\x18", 4, "lz4-compressed (an initramfs?): decompress a disk image first"},
        {"QED", 4, "a QED image: convert it to qcow2 or raw"},
        {"KDMV", 4, "a VMDK image: convert it to qcow2 or raw"},
        {"conectix", 8, "a VHD image: convert it to qcow2 or raw"},
        {"vhdxfile", 8, "a VHDX image: convert it to qcow2 or raw"},
        {"<<< ", 4, "a VDI image: convert it to qcow2 or raw"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        if (starts(head, n, refused[i].magic, refused[i].len))
            return refused[i].what;
    /* A bzImage: the boot protocol's "HdrS" at 0x202. */
    if (n >= 0x206 && memcmp(head + 0x202, "HdrS", 4) == 0)
        return "a Linux kernel (bzImage), not a disk image";
    *format = "raw";
    return NULL;
}
