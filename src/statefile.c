/* statefile: what must survive a restart, in state_file. */
#include "zhbuild.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "statefile.h"
#include "xmalloc.h"
#include "zone.h"

/*
 * The format, one record per line, fields separated by one space, "-" for
 * none (names are in presentation form, so never contain a space):
 *
 *   zonehealth-state 1
 *   zone NAME SERIAL EXPIRY SIGNED
 *   finding CAUSE SERVER ADDRESS SINCE	(of the zone above)
 *   lag SERVER ADDRESS SINCE		(a serial lag of the zone above)
 *   end
 *
 * "end" proves the file whole.
 */
#define STATE_MAGIC	"zonehealth-state 1"
#define STATE_MAX_SIZE	(256u << 20)
#define STATE_MAX_FIELDS 6

static void
statefile_err(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
statefile_err(char *err, size_t len, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static const char *
statefile_or_dash(const char *s)
{
	return s != NULL && *s != '\0' ? s : "-";
}

static void
statefile_put_zone(struct buf *b, const struct zone *z)
{
	const struct findings	*fs = z->runs > 0 ? &z->findings : &z->since_hints;
	const struct finding	*f;
	size_t			 i;

	buf_printf(b, "zone %s ", z->name);
	if (z->memory.has_serial)
		buf_printf(b, "%" PRIu32, z->memory.serial);
	else
		buf_puts(b, "-");
	if (z->memory.has_expiry)
		buf_printf(b, " %lld", (long long)z->memory.expiry);
	else
		buf_puts(b, " -");
	buf_printf(b, " %d\n", z->memory.dnssec_signed ? 1 : 0);
	for (i = 0; i < fs->n; i++) {
		f = &fs->v[i];
		buf_printf(b, "finding %s %s %s %lld\n", cause_name(f->cause),
		    statefile_or_dash(f->server), statefile_or_dash(f->address),
		    (long long)f->since);
	}
	for (i = 0; i < z->memory.lagging.n; i++) {
		f = &z->memory.lagging.v[i];
		buf_printf(b, "lag %s %s %lld\n", statefile_or_dash(f->server),
		    statefile_or_dash(f->address), (long long)f->since);
	}
}

static int
statefile_write_all(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Makes the rename durable (the directory entry, not only the data). */
static void
statefile_sync_dir(const char *path)
{
	char	*dir = xstrdup(path), *slash;
	int	 fd;

	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int
statefile_save(const char *path, const struct zone_set *zones, char *err, size_t errlen)
{
	struct buf	 b;
	struct stat	 st;
	char		*tmp;
	size_t		 i;
	int		 fd, rc = -1;

	buf_init(&b);
	buf_puts(&b, STATE_MAGIC "\n");
	for (i = 0; i < zones->n; i++)
		statefile_put_zone(&b, zones->v[i]);
	buf_puts(&b, "end\n");
	tmp = xasprintf("%s.tmp", path);
	/* Only ever over a regular file of ours: state_file naming a device
	 * would have had it renamed over (and /dev/zero gone for a moment). */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		statefile_err(err, errlen, "%s: not a regular file: not replaced", path);
		goto out;
	}
	/* A fresh file, whatever was left at tmp (never followed, never a
	 * FIFO that would block the open). */
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600)) == -1) {
		statefile_err(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (statefile_write_all(fd, b.data, b.len) == -1 || fsync(fd) == -1) {
		statefile_err(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		statefile_err(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	statefile_sync_dir(path);
	rc = 0;
out:
	free(tmp);
	buf_free(&b);
	return rc;
}

/* One zone's state as read, before it is applied. */
struct statefile_zone {
	char			*name;
	struct check_memory	 memory;
	struct findings		 hints;
};

struct statefile_read {
	struct statefile_zone	*v;
	size_t			 n;
};

static void
statefile_read_free(struct statefile_read *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].name);
		check_memory_clear(&r->v[i].memory);
		findings_clear(&r->v[i].hints);
	}
	free(r->v);
}

static bool
statefile_num(const char *s, long long min, long long max, long long *out)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static const char *
statefile_dash(const char *s)
{
	return strcmp(s, "-") == 0 ? NULL : s;
}

/* Parses one line split into f[0..n); NULL on success, else why not. */
static const char *
statefile_line(struct statefile_read *r, char **f, size_t n)
{
	struct statefile_zone	*z = r->n > 0 ? &r->v[r->n - 1] : NULL;
	long long		 v, since;
	enum cause		 c;

	if (strcmp(f[0], "zone") == 0) {
		if (n != 5)
			return "a zone line has 5 fields";
		r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
		z = &r->v[r->n++];
		memset(z, 0, sizeof(*z));
		z->name = xstrdup(f[1]);
		if (strcmp(f[2], "-") != 0) {
			if (!statefile_num(f[2], 0, UINT32_MAX, &v))
				return "bad serial";
			z->memory.has_serial = true;
			z->memory.serial = (uint32_t)v;
		}
		if (strcmp(f[3], "-") != 0) {
			if (!statefile_num(f[3], 0, INT64_MAX, &v))
				return "bad expiry";
			z->memory.has_expiry = true;
			z->memory.expiry = (time_t)v;
		}
		if (!statefile_num(f[4], 0, 1, &v))
			return "bad signed flag";
		z->memory.dnssec_signed = v == 1;
		return NULL;
	}
	if (strcmp(f[0], "finding") != 0 && strcmp(f[0], "lag") != 0)
		return "unknown record";
	if (z == NULL)
		return "a record before any zone";
	if (strcmp(f[0], "finding") == 0) {
		if (n != 5)
			return "a finding line has 5 fields";
		if (!cause_from_name(f[1], &c))
			return "unknown cause";
		if (!statefile_num(f[4], 1, INT64_MAX, &since))
			return "bad since";
		findings_add(&z->hints, c, SEVERITY_OK, statefile_dash(f[2]),
		    statefile_dash(f[3]), NULL, NULL, NULL);
		z->hints.v[z->hints.n - 1].since = (time_t)since;
		return NULL;
	}
	if (strcmp(f[0], "lag") == 0) {
		if (n != 4)
			return "a lag line has 4 fields";
		if (!statefile_num(f[3], 1, INT64_MAX, &since))
			return "bad since";
		findings_add(&z->memory.lagging, CAUSE_SERIAL_MISMATCH, SEVERITY_WARNING,
		    statefile_dash(f[1]), statefile_dash(f[2]), NULL, NULL, NULL);
		z->memory.lagging.v[z->memory.lagging.n - 1].since = (time_t)since;
		return NULL;
	}
	return "unknown record";
}

static int
statefile_parse(char *text, struct statefile_read *r, char *err, size_t errlen)
{
	char		*line, *next, *f[STATE_MAX_FIELDS + 1], *save, *tok;
	const char	*why;
	size_t		 lineno = 0, n;
	bool		 ended = false;

	for (line = text; *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) == NULL) {
			statefile_err(err, errlen, "line %zu: truncated", lineno);
			return -1;
		}
		*next++ = '\0';
		if (ended) {
			statefile_err(err, errlen, "line %zu: data after the end", lineno);
			return -1;
		}
		if (lineno == 1) {
			if (strcmp(line, STATE_MAGIC) != 0) {
				statefile_err(err, errlen, "not a zonehealth state file "
				    "(version 1)");
				return -1;
			}
			continue;
		}
		if (strcmp(line, "end") == 0) {
			ended = true;
			continue;
		}
		for (n = 0, tok = strtok_r(line, " ", &save); tok != NULL;
		    tok = strtok_r(NULL, " ", &save)) {
			if (n == STATE_MAX_FIELDS) {
				statefile_err(err, errlen, "line %zu: too many fields", lineno);
				return -1;
			}
			f[n++] = tok;
		}
		if (n == 0 || (why = statefile_line(r, f, n)) != NULL) {
			statefile_err(err, errlen, "line %zu: %s", lineno,
			    n == 0 ? "empty line" : why);
			return -1;
		}
	}
	if (!ended) {
		statefile_err(err, errlen, "truncated: no end record");
		return -1;
	}
	return 0;
}

static char *
statefile_slurp(const char *path, int *missing, char *err, size_t errlen)
{
	const char	*why;
	char		*text;
	size_t		 len;

	*missing = 0;
	if ((text = file_read(path, STATE_MAX_SIZE, &len, &why)) == NULL) {
		if (errno == ENOENT)
			*missing = 1;
		else
			statefile_err(err, errlen, "%s: %s", path, why);
		return NULL;
	}
	if (memchr(text, '\0', len) != NULL) {
		statefile_err(err, errlen, "%s: binary data", path);
		free(text);
		return NULL;
	}
	return text;
}

int
statefile_load(const char *path, struct zone_set *zones, char *err, size_t errlen)
{
	struct statefile_read	 r = { NULL, 0 };
	struct zone		*z;
	char			*text;
	int			 missing;
	size_t			 i;

	if ((text = statefile_slurp(path, &missing, err, errlen)) == NULL)
		return missing ? 1 : -1;
	if (statefile_parse(text, &r, err, errlen) == -1) {
		free(text);
		statefile_read_free(&r);
		return -1;
	}
	free(text);
	for (i = 0; i < r.n; i++) {
		if ((z = zone_set_find(zones, r.v[i].name)) == NULL || z->runs > 0)
			continue;
		check_memory_clear(&z->memory);
		z->memory = r.v[i].memory;
		memset(&r.v[i].memory, 0, sizeof(r.v[i].memory));
		findings_clear(&z->since_hints);
		z->since_hints = r.v[i].hints;
		memset(&r.v[i].hints, 0, sizeof(r.v[i].hints));
	}
	statefile_read_free(&r);
	return 0;
}
