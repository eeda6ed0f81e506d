/* commands.h — every subcommand of `attain`, one per cmd_<name>.c, in help order. */
#ifndef ATTAIN_COMMANDS_H
#define ATTAIN_COMMANDS_H

#include "cli.h"

extern const cli_command cmd_init;
extern const cli_command cmd_import;
extern const cli_command cmd_check;
extern const cli_command cmd_test;
extern const cli_command cmd_diff;
extern const cli_command cmd_eval;
extern const cli_command cmd_status;
extern const cli_command cmd_orgs;
extern const cli_command cmd_history;
extern const cli_command cmd_alerts;
extern const cli_command cmd_membership;
extern const cli_command cmd_profile;
extern const cli_command cmd_link;
extern const cli_command cmd_serve;
extern const cli_command cmd_ctl;

#endif
