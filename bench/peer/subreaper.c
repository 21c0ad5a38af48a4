/* subreaper CMD [ARG...]: run CMD as a child, adopt every orphan below it (PR_SET_CHILD_SUBREAPER)
 * and reap them at once, so a QEMU that libvirtd daemonized is gone the moment it exits (this
 * sandbox's PID 1 reaps orphans only every ~2 s). SIGTERM/SIGINT/SIGHUP are passed to CMD.
 * Exits when no child is left, with CMD's status. Used by bench/peer/libvirt.sh. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile pid_t child;
static void forward(int sig) { if (child > 0) kill(child, sig); }

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: subreaper CMD [ARG...]\n"); return 2; }
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) { perror("prctl"); return 1; }
    signal(SIGTERM, forward); signal(SIGINT, forward); signal(SIGHUP, forward);
    child = fork();
    if (child < 0) { perror("fork"); return 1; }
    if (child == 0) {
        signal(SIGTERM, SIG_DFL); signal(SIGINT, SIG_DFL); signal(SIGHUP, SIG_DFL);
        execvp(argv[1], argv + 1);
        perror(argv[1]);
        _exit(127);
    }
    int status, rc = 0;
    for (;;) {
        pid_t p = waitpid(-1, &status, 0);
        if (p < 0) { if (errno == EINTR) continue; break; } /* ECHILD: nothing left */
        if (p == child) rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    return rc;
}
