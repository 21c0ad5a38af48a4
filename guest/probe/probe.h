/*
 * Subcommands of virtlab-probe that live in their own files (the guest/probe directory; every .c file
 * here is compiled into the one static binary). Each is int cmd_xxx(int argc, char **argv)
 * and has a line in the table in probe.c's main().
 */
#ifndef VIRTLAB_PROBE_H
#define VIRTLAB_PROBE_H

/* Feature files declare their commands below, one line each. */
int cmd_pmu(int argc, char **argv); /* pmu.c: hardware performance counters seen by the guest */
int cmd_heartbeat(int argc, char **argv);        /* migrate.c */
int cmd_heartbeat_report(int argc, char **argv); /* migrate.c */
int cmd_pattern(int argc, char **argv);          /* migrate.c */
int cmd_pattern_verify(int argc, char **argv);   /* migrate.c */

#endif
