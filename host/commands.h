/* commands.h — every subcommand of `attain`, one per cmd_<name>.c, in help order. */
#ifndef ATTAIN_COMMANDS_H
#define ATTAIN_COMMANDS_H

#include "cli.h"

extern const cli_command cmd_init;
extern const cli_command cmd_import;

#endif
