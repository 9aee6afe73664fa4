/* static.c -- the web console's files, served from one directory.
 *
 * A URL path is walked one segment at a time with openat(O_NOFOLLOW) from
 * a descriptor of the directory opened at start, instead of joining strings
 * and checking a realpath: each segment must be a plain safe name (so "..",
 * hidden files, and encoded separators never get as far as the file
 * system), and no component may be a symbolic link, so a link planted in
 * the directory cannot lead out of it. The walk holds descriptors, not
 * paths, so nothing can be swapped between a check and the open.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define STATIC_MAX_SEGMENT 255
#define STATIC_MAX_DEPTH 16

static const struct {
    const char *ext, *type;
} static_types[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"json", "application/json; charset=utf-8"},
    {"map", "application/json; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"ico", "image/x-icon"},
    {"webp", "image/webp"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"wasm", "application/wasm"},
};

static const char *content_type_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot)
        for (size_t i = 0; i < sizeof static_types / sizeof static_types[0]; i++)
            if (strcasecmp(dot + 1, static_types[i].ext) == 0)
                return static_types[i].type;
    return "application/octet-stream";
}

static bool safe_segment(const char *s, size_t n)
{
    if (n == 0 || n > STATIC_MAX_SEGMENT || s[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_'))
            return false;
    }
    return true;
}

/* fd is a directory: open its index.html instead. Takes ownership of fd. */
static int open_index(int fd, const char **name)
{
    int f = openat(fd, "index.html", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    close(fd);
    *name = "index.html";
    return f;
}

int http_static_open(int dirfd, const char *url, uint64_t *size, const char **content_type)
{
    if (dirfd < 0 || !url || url[0] != '/')
        return -1;
    int fd = dup(dirfd);
    const char *name = "index.html";
    const char *p = url + 1;
    char seg[STATIC_MAX_SEGMENT + 1];
    int depth = 0;
    while (fd >= 0 && *p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (!safe_segment(p, n) || ++depth > STATIC_MAX_DEPTH) {
            close(fd);
            return -1;
        }
        memcpy(seg, p, n);
        seg[n] = 0;
        int next = openat(fd, seg, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        close(fd);
        fd = next;
        name = p;
        p = slash ? slash + 1 : p + n;
    }
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        fd = open_index(fd, &name);
        if (fd < 0 || fstat(fd, &st) != 0) {
            if (fd >= 0)
                close(fd);
            return -1;
        }
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    /* The last segment may end at the URL's end; copy it for the extension. */
    size_t n = strcspn(name, "/");
    memcpy(seg, name, n < STATIC_MAX_SEGMENT ? n : STATIC_MAX_SEGMENT);
    seg[n < STATIC_MAX_SEGMENT ? n : STATIC_MAX_SEGMENT] = 0;
    *size = (uint64_t)st.st_size;
    *content_type = content_type_of(seg);
    return fd;
}
