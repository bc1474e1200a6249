#ifndef HEBB_EDITLINE_SHIM_H
#define HEBB_EDITLINE_SHIM_H
#include <stdio.h>
#include <editline/readline.h>
#include <histedit.h>
#endif
