/*
 * bench/hello.c: the machine's own reference for `make bench`.
 *
 * A bare libmicrohttpd server that answers every request with the constant
 * body "hello\n" from one persistent response (built once, never copied),
 * a pool of one thread per core. It is the ceiling this machine and this
 * libmicrohttpd can give a real handler, so it comes in the ways of running
 * libmicrohttpd that can be fastest here, and bench/run.sh measures each in
 * the same minute and keeps the fastest; postroom's GET figure is reported as
 * a share of that.
 *
 *   epoll        MHD_USE_EPOLL_INTERNAL_THREAD (the default)
 *   epoll-turbo  the same with MHD_USE_TURBO (no shutdown() before close,
 *                fewer checks on accept)
 *   poll-turbo   MHD_USE_POLL_INTERNAL_THREAD with MHD_USE_TURBO
 *   select-turbo MHD_USE_INTERNAL_POLLING_THREAD (select) with MHD_USE_TURBO
 * each with MHD_OPTION_CONNECTION_LIMIT 4096 as postroom has.
 * (MHD_create_response_from_buffer_static is 0.9.76's; this machine has
 * 0.9.75, whose MHD_RESPMEM_PERSISTENT buffer is the same thing.) Answering
 * on the first call, before the request is complete, is not a variant: on
 * 0.9.75 it closes every connection (about 12k req/s here).
 *
 * Usage: bench_hello PORT [VARIANT]   (127.0.0.1:PORT until SIGINT/SIGTERM)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char BODY[] = "hello\n";
static struct MHD_Response *hello_response;

/* Any non-NULL address will do as the "headers seen" marker. */
static int first_call_marker;

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    (void)upload_data;
    if (*con_cls == NULL) {
        /* First call: only the headers have been read. Queuing a response
         * now would make MHD close the connection instead of keeping it
         * alive, so wait for the second call. */
        *con_cls = &first_call_marker;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        /* Discard any request body. */
        *upload_data_size = 0;
        return MHD_YES;
    }
    return MHD_queue_response(conn, MHD_HTTP_OK, hello_response);
}

static int parse_port(const char *s, unsigned short *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 1 || v > 65535) return -1;
    *out = (unsigned short)v;
    return 0;
}

int main(int argc, char **argv)
{
    unsigned short port;
    const char *variant = argc == 3 ? argv[2] : "epoll";
    unsigned flags;
    if (!strcmp(variant, "epoll"))
        flags = MHD_USE_EPOLL_INTERNAL_THREAD;
    else if (!strcmp(variant, "epoll-turbo"))
        flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO;
    else if (!strcmp(variant, "poll-turbo"))
        flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_TURBO;
    else if (!strcmp(variant, "select-turbo"))
        flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TURBO;
    else
        flags = 0;
    if (argc < 2 || argc > 3 || parse_port(argv[1], &port) != 0 || !flags) {
        fprintf(stderr, "usage: %s PORT [epoll|epoll-turbo|poll-turbo|select-turbo]\n", argv[0]);
        return 2;
    }

    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (ncpu < 1) ncpu = 1;

    /* Block the stop signals before MHD starts its threads so that they
     * inherit the mask and only sigwait() below sees them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &stop, NULL) != 0) {
        perror("pthread_sigmask");
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);

    hello_response =
        MHD_create_response_from_buffer(sizeof BODY - 1, (void *)BODY, MHD_RESPMEM_PERSISTENT);
    if (hello_response == NULL) {
        fprintf(stderr, "hello: cannot create response\n");
        return 1;
    }
    MHD_add_response_header(hello_response, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    struct MHD_Daemon *d = MHD_start_daemon(
        flags | MHD_USE_ERROR_LOG, port, NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)ncpu,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned int)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)4096, MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "hello: cannot listen on 127.0.0.1:%u\n", (unsigned)port);
        MHD_destroy_response(hello_response);
        return 1;
    }
    fprintf(stderr, "hello: listening on 127.0.0.1:%u with %ld threads (%s)\n", (unsigned)port,
            ncpu, variant);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0) {
    }

    MHD_stop_daemon(d);
    MHD_destroy_response(hello_response);
    return 0;
}
