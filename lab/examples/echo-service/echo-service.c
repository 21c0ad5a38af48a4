/*
 * echo-service PORT SECONDS: a TCP echo service (every byte a client sends comes back) that
 * must answer within a deadline, plus a heartbeat line "beat" every 100 ms on stdout. One
 * thread, one poll loop, up to 64 clients. Prints "ready port=PORT" once it listens; exits 0
 * after SECONDS seconds. The lab is the client, from outside the world: the longest time the
 * service did not answer is what a pause or a migration's downtime costs it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 64

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 7777;
    int seconds = argc > 2 ? atoi(argv[2]) : 20;
    struct pollfd fds[1 + MAX_CLIENTS];
    struct sockaddr_in addr;
    int lfd, one = 1, nfds = 1, i;
    double end, next_beat;

    setvbuf(stdout, NULL, _IOLBF, 0);
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(lfd, 16) != 0) {
        fprintf(stderr, "cannot listen on port %d: %s\n", port, strerror(errno));
        return 1;
    }
    fds[0].fd = lfd;
    fds[0].events = POLLIN;
    printf("ready port=%d\n", port);
    end = now_ms() + seconds * 1e3;
    next_beat = now_ms();
    for (;;) {
        double now = now_ms();
        int wait;
        if (now >= end)
            break;
        if (now >= next_beat) {
            printf("beat\n");
            next_beat += 100;
            if (next_beat < now) /* after a stall: no burst of beats */
                next_beat = now + 100;
        }
        wait = (int)(next_beat - now) + 1;
        if (poll(fds, (nfds_t)nfds, wait) <= 0)
            continue;
        if ((fds[0].revents & POLLIN) && nfds < 1 + MAX_CLIENTS) {
            int c = accept(lfd, NULL, NULL);
            if (c >= 0) {
                fds[nfds].fd = c;
                fds[nfds].events = POLLIN;
                fds[nfds].revents = 0;
                nfds++;
            }
        }
        for (i = 1; i < nfds; i++) {
            char buf[4096];
            ssize_t n;
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            n = read(fds[i].fd, buf, sizeof buf);
            if (n > 0 && write(fds[i].fd, buf, (size_t)n) == n)
                continue;
            close(fds[i].fd); /* EOF or error: drop the client */
            fds[i] = fds[--nfds];
            i--;
        }
    }
    printf("done\n");
    return 0;
}
