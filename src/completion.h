/* completion.h -- shell completion, generated from the command and key tables */
#ifndef VANTAGE_COMPLETION_H
#define VANTAGE_COMPLETION_H

#include <stdio.h>

/*
 * Write the bash completion script for vantage to f: its commands and
 * options, and for -D every configuration key of the key tables (lists
 * indexed as probes.0.name) with the kinds a kind key takes.  Returns 0,
 * or -1 if writing failed.
 */
int	completion_bash(FILE *f);

#endif
