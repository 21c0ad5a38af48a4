/*
 * The lab's probes (docs/LAB.md, "What runs beside the application"), declared in probe.h:
 *
 *   run OUT -- CMD [ARG...]   fork and execvp CMD (cwd unchanged, stdin inherited) with stdout
 *                             and stderr on two pipes; read both (poll) and append one line per
 *                             event to OUT (O_APPEND|O_CREAT, one write(2) per line, so a reader
 *                             can tail it):
 *                               S MONO REAL PID          CMD started (its pid)
 *                               O MONO REAL text         a line on CMD's stdout
 *                               E MONO REAL text         a line on CMD's stderr
 *                               X MONO REAL exit CODE    CMD exited
 *                               X MONO REAL signal N     a signal ended CMD
 *                             MONO and REAL are CLOCK_MONOTONIC and CLOCK_REALTIME in ms with
 *                             three decimals, read right after the read(2) that completed the
 *                             line. A partial line at EOF is written too; a line longer than
 *                             4096 bytes is split into 4096-byte pieces. In text, a CR of a CRLF
 *                             ending is dropped, and every other control character (CR, TAB, ...)
 *                             becomes a space, so an event stays one line. If exec fails:
 *                             "E ... exec CMD: strerror" and "X ... exit 127". SIGTERM and SIGINT
 *                             are forwarded to CMD; CMD gets SIGKILL if the runner dies
 *                             (PR_SET_PDEATHSIG). Once CMD has exited, what is left in the pipes
 *                             is read and the runner ends even if a grandchild still holds them.
 *                             Exit status: CMD's, or 128+N if signal N ended it.
 *   sample INTERVAL_MS OUT    append a JSON line to OUT every INTERVAL_MS (the first at once,
 *                             then on a fixed monotonic schedule) until SIGTERM/SIGINT, then
 *                             exit 0:
 *                               {"mono_ms":1234.567,"real_ms":1733400000123.456,"nproc":2,
 *                                "affinity":2,"online":"0-1","online_count":2,
 *                                "memtotal_kib":241234,"memavailable_kib":190000,
 *                                "clocksource":"tsc"}
 *
 * Errors of the probe itself (OUT cannot be opened, pipe or fork fails) are {"error":...} on
 * stdout with exit status 1; usage errors exit 2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

#define LAB_LINE_MAX 4096

/* ---- shared: stamps and appending a line ------------------------------------------------ */

struct stamp {
    long long mono_ns, real_ns;
};

static long long clock_ns(clockid_t clock)
{
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0)
        return 0;
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct stamp stamp_now(void)
{
    struct stamp s;
    s.mono_ns = clock_ns(CLOCK_MONOTONIC);
    s.real_ns = clock_ns(CLOCK_REALTIME);
    return s;
}

/* ns as milliseconds with three decimals, exactly (no floating point): "1234.567". */
static int format_ms(char *buf, size_t size, long long ns)
{
    long long us = ns / 1000;
    return snprintf(buf, size, "%lld.%03lld", us / 1000, us % 1000);
}

/* Writes all of buf to fd (one write(2) unless it is interrupted or short). */
static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* ---- run ------------------------------------------------------------------------------- */

static volatile pid_t run_child;
static volatile sig_atomic_t run_signal_pending;

static void run_forward(int sig)
{
    if (run_child > 0)
        kill(run_child, sig);
    else
        run_signal_pending = sig;
}

/* One stream of the child: its pipe and the line being assembled. */
struct stream {
    int fd;            /* -1 once at EOF */
    char tag;          /* 'O' or 'E' */
    char buf[LAB_LINE_MAX];
    size_t len;
};

static int run_out = -1;

/* Appends "TAG MONO REAL rest\n" to OUT; text is sanitised to one line. */
static void emit(char tag, struct stamp at, const char *text, size_t len)
{
    char line[LAB_LINE_MAX + 96];
    char mono[32], real[32];
    size_t n, i;

    format_ms(mono, sizeof mono, at.mono_ns);
    format_ms(real, sizeof real, at.real_ns);
    n = (size_t)snprintf(line, sizeof line, "%c %s %s ", tag, mono, real);
    if (len > 0 && text[len - 1] == '\r') /* CRLF ending: drop the CR */
        len--;
    for (i = 0; i < len && n < sizeof line - 1; i++) {
        unsigned char c = (unsigned char)text[i];
        line[n++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    line[n++] = '\n';
    write_all(run_out, line, n);
}

static void emit_text(char tag, struct stamp at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void emit_text(char tag, struct stamp at, const char *fmt, ...)
{
    char text[LAB_LINE_MAX];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof text)
        n = (int)sizeof text - 1;
    emit(tag, at, text, (size_t)n);
}

/* Reads what is available on s; returns 0 while the pipe is open, 1 at EOF. */
static int stream_read(struct stream *s)
{
    char chunk[8192];
    for (;;) {
        ssize_t n = read(s->fd, chunk, sizeof chunk);
        struct stamp at;
        ssize_t i;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            n = 0; /* a read error ends the stream like EOF */
        }
        at = stamp_now();
        if (n == 0) {
            if (s->len > 0)
                emit(s->tag, at, s->buf, s->len);
            s->len = 0;
            close(s->fd);
            s->fd = -1;
            return 1;
        }
        for (i = 0; i < n; i++) {
            if (chunk[i] == '\n') {
                emit(s->tag, at, s->buf, s->len);
                s->len = 0;
                continue;
            }
            s->buf[s->len++] = chunk[i];
            if (s->len == sizeof s->buf) {
                emit(s->tag, at, s->buf, s->len);
                s->len = 0;
            }
        }
    }
}

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void child_exec(char **cmd, int out_w, int err_w, pid_t parent)
{
    struct sigaction dfl;
    sigset_t none;

    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGTERM, &dfl, NULL);
    sigaction(SIGINT, &dfl, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) /* the runner died before the prctl */
        _exit(127);
    dup2(out_w, 1);
    dup2(err_w, 2);
    execvp(cmd[0], cmd);
    {
        char msg[LAB_LINE_MAX];
        int n = snprintf(msg, sizeof msg, "exec %s: %s\n", cmd[0], strerror(errno));
        if (n > 0)
            write_all(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
    }
    _exit(127);
}

int cmd_run(int argc, char **argv)
{
    int out_pipe[2], err_pipe[2];
    struct stream streams[2];
    struct sigaction sa;
    sigset_t block, old;
    pid_t pid, parent = getpid();
    int status = 0, exited = 0, i;
    char **cmd;

    if (argc < 3 || strcmp(argv[1], "--") != 0) {
        fputs("usage: virtlab-probe run OUT -- CMD [ARG...]\n", stderr);
        return 2;
    }
    cmd = argv + 2;
    run_out = open(argv[0], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (run_out < 0)
        return print_error("run: cannot open %s: %s", argv[0], strerror(errno));
    if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0)
        return print_error("run: pipe: %s", strerror(errno));

    /* Signals are blocked across fork, so one that arrives then is forwarded once the pid is known. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = run_forward;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &old);

    pid = fork();
    if (pid < 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        return print_error("run: fork: %s", strerror(errno));
    }
    if (pid == 0)
        child_exec(cmd, out_pipe[1], err_pipe[1], parent);

    run_child = pid;
    emit_text('S', stamp_now(), "%d", (int)pid);
    if (run_signal_pending)
        kill(pid, run_signal_pending);
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(out_pipe[1]);
    close(err_pipe[1]);

    streams[0].fd = out_pipe[0];
    streams[0].tag = 'O';
    streams[0].len = 0;
    streams[1].fd = err_pipe[0];
    streams[1].tag = 'E';
    streams[1].len = 0;
    set_nonblock(streams[0].fd);
    set_nonblock(streams[1].fd);

    while (streams[0].fd >= 0 || streams[1].fd >= 0) {
        struct pollfd pfd[2];
        int rc;
        for (i = 0; i < 2; i++) {
            pfd[i].fd = streams[i].fd; /* a negative fd is ignored by poll */
            pfd[i].events = POLLIN;
            pfd[i].revents = 0;
        }
        rc = poll(pfd, 2, 100);
        if (rc < 0 && errno != EINTR)
            break;
        for (i = 0; i < 2; i++)
            if (streams[i].fd >= 0 && (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                stream_read(&streams[i]);
        if (!exited && (streams[0].fd >= 0 || streams[1].fd >= 0) &&
            waitpid(pid, &status, WNOHANG) == pid) {
            /* CMD is gone; a grandchild may still hold the pipes: take what is there and stop. */
            exited = 1;
            for (i = 0; i < 2; i++)
                if (streams[i].fd >= 0 && stream_read(&streams[i]) == 0) {
                    struct stamp at = stamp_now();
                    if (streams[i].len > 0)
                        emit(streams[i].tag, at, streams[i].buf, streams[i].len);
                    streams[i].len = 0;
                    close(streams[i].fd);
                    streams[i].fd = -1;
                }
        }
    }
    if (!exited)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    run_child = 0;

    if (WIFSIGNALED(status)) {
        emit_text('X', stamp_now(), "signal %d", WTERMSIG(status));
        close(run_out);
        return 128 + WTERMSIG(status);
    }
    emit_text('X', stamp_now(), "exit %d", WEXITSTATUS(status));
    close(run_out);
    return WEXITSTATUS(status);
}

/* ---- sample ---------------------------------------------------------------------------- */

static volatile sig_atomic_t sample_stop;

static void sample_on_stop(int sig)
{
    (void)sig;
    sample_stop = 1;
}

/* Number of CPUs in a sysfs CPU list such as "0-1,3,5-7"; -1 if it does not parse. */
static int cpulist_count(const char *s)
{
    int count = 0;
    if (!*s)
        return -1;
    while (*s) {
        char *end;
        long a = strtol(s, &end, 10), b;
        if (end == s)
            return -1;
        b = a;
        s = end;
        if (*s == '-') {
            b = strtol(s + 1, &end, 10);
            if (end == s + 1 || b < a)
                return -1;
            s = end;
        }
        count += (int)(b - a + 1);
        if (*s == ',')
            s++;
        else if (*s)
            return -1;
    }
    return count;
}

static void sample_once(FILE *out)
{
    struct info in;
    char mono[32], real[32];

    read_info(&in);
    format_ms(mono, sizeof mono, in.mono_ns);
    format_ms(real, sizeof real, in.realtime_ns);
    fprintf(out, "{\"mono_ms\":%s,\"real_ms\":%s,\"nproc\":%ld,\"affinity\":%d,\"online\":",
            mono, real, in.nproc, in.affinity);
    json_string(out, in.online);
    fprintf(out, ",\"online_count\":%d,\"memtotal_kib\":%lld,\"memavailable_kib\":%lld,"
                 "\"clocksource\":",
            cpulist_count(in.online), in.memtotal_kib, in.memavailable_kib);
    json_string(out, in.clocksource);
    fputs("}\n", out);
    fflush(out);
}

int cmd_sample(int argc, char **argv)
{
    long long interval_ms;
    struct sigaction sa;
    struct timespec next;
    FILE *out;
    int fd;

    if (argc != 2) {
        fputs("usage: virtlab-probe sample INTERVAL_MS OUT\n", stderr);
        return 2;
    }
    if ((interval_ms = parse_count(argv[0])) <= 0)
        return print_error("sample: INTERVAL_MS must be a positive integer");
    fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || !(out = fdopen(fd, "a")))
        return print_error("sample: cannot open %s: %s", argv[1], strerror(errno));

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = sample_on_stop; /* no SA_RESTART: the sleep returns at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    clock_gettime(CLOCK_MONOTONIC, &next);
    while (!sample_stop) {
        struct timespec now;
        sample_once(out);
        next.tv_sec += (time_t)(interval_ms / 1000);
        next.tv_nsec += (long)(interval_ms % 1000) * 1000000L;
        if (next.tv_nsec >= 1000000000L) {
            next.tv_nsec -= 1000000000L;
            next.tv_sec++;
        }
        /* After a long stall (a paused guest), skip the missed slots instead of bursting. */
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > next.tv_sec || (now.tv_sec == next.tv_sec && now.tv_nsec > next.tv_nsec))
            next = now;
        while (!sample_stop &&
               clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
            ;
    }
    fclose(out);
    return 0;
}
