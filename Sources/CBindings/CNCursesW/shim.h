#ifndef SCRY_CNCURSESW_SHIM_H
#define SCRY_CNCURSESW_SHIM_H

/* SwiftPM drops pkg-config's -D flags, so the wide-character API must be switched on here,
   before curses.h is read; without it cchar_t, get_wch and the *wstr calls are hidden. */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* Glibc's stdin and stdout are globals that Swift 6 rejects as not concurrency-safe. */
static inline FILE *scry_stdin(void) { return stdin; }
static inline FILE *scry_stdout(void) { return stdout; }

/* Signals. SIGTERM, SIGHUP and SIGINT only set a flag that the UI loop polls, so the loop
   restores the terminal itself. A crash (a Swift trap is SIGILL or SIGTRAP) restores the
   terminal as best it can and then dies with the same signal, so the shell is never left in
   raw mode. */
static volatile sig_atomic_t scry_signal_received = 0;

static void scry_on_termination(int sig) { scry_signal_received = sig; }

static void scry_on_crash(int sig) {
    endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

static inline void scry_install_signal_handlers(void) {
    /* A parent may have started us with these blocked (a thread pool's mask survives fork and
       exec): unblock them, or SIGTERM would be ignored and ncurses would never see SIGWINCH. */
    sigset_t wanted;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGTERM);
    sigaddset(&wanted, SIGHUP);
    sigaddset(&wanted, SIGINT);
    sigaddset(&wanted, SIGQUIT);
    sigaddset(&wanted, SIGWINCH);
    sigprocmask(SIG_UNBLOCK, &wanted, NULL);
    signal(SIGTERM, scry_on_termination);
    signal(SIGHUP, scry_on_termination);
    signal(SIGINT, scry_on_termination);
    signal(SIGQUIT, scry_on_termination);
    signal(SIGSEGV, scry_on_crash);
    signal(SIGBUS, scry_on_crash);
    signal(SIGILL, scry_on_crash);
    signal(SIGTRAP, scry_on_crash);
    signal(SIGABRT, scry_on_crash);
    signal(SIGFPE, scry_on_crash);
}

/* The signal that asked the program to end, or 0. */
static inline int scry_pending_signal(void) { return scry_signal_received; }

/* Globals that Swift 6 rejects as not concurrency-safe. Only the UI thread calls these. */
static inline WINDOW *scry_stdscr(void) { return stdscr; }
static inline int scry_lines(void) { return LINES; }
static inline int scry_cols(void) { return COLS; }
static inline int scry_colors(void) { return COLORS; }
static inline int scry_color_pairs(void) { return COLOR_PAIRS; }

/* Function-like macros. */
static inline void scry_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }
static inline void scry_getyx(WINDOW *w, int *y, int *x) { int yy, xx; getyx(w, yy, xx); *y = yy; *x = xx; }
static inline int scry_key_f(int n) { return KEY_F(n); }
static inline attr_t scry_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }

/* Attribute macros (A_* and WA_*) expand to expressions Swift does not import. */
static inline attr_t scry_a_normal(void) { return A_NORMAL; }
static inline attr_t scry_a_bold(void) { return A_BOLD; }
static inline attr_t scry_a_dim(void) { return A_DIM; }
static inline attr_t scry_a_reverse(void) { return A_REVERSE; }
static inline attr_t scry_a_underline(void) { return A_UNDERLINE; }
static inline attr_t scry_a_italic(void) { return A_ITALIC; }
static inline attr_t scry_a_standout(void) { return A_STANDOUT; }

/* Line drawing: ACS_* go through acs_map, which Swift cannot see; WACS_* through _nc_wacs. */
static inline chtype scry_acs_hline(void) { return ACS_HLINE; }
static inline chtype scry_acs_vline(void) { return ACS_VLINE; }
static inline chtype scry_acs_ulcorner(void) { return ACS_ULCORNER; }
static inline chtype scry_acs_urcorner(void) { return ACS_URCORNER; }
static inline chtype scry_acs_llcorner(void) { return ACS_LLCORNER; }
static inline chtype scry_acs_lrcorner(void) { return ACS_LRCORNER; }
static inline const cchar_t *scry_wacs_hline(void) { return WACS_HLINE; }
static inline const cchar_t *scry_wacs_vline(void) { return WACS_VLINE; }
static inline const cchar_t *scry_wacs_ulcorner(void) { return WACS_ULCORNER; }
static inline const cchar_t *scry_wacs_urcorner(void) { return WACS_URCORNER; }
static inline const cchar_t *scry_wacs_llcorner(void) { return WACS_LLCORNER; }
static inline const cchar_t *scry_wacs_lrcorner(void) { return WACS_LRCORNER; }

/* The columns the C library (and so ncurses, and most terminals) gives a code point; -1 for
   one it cannot print. Swift cannot see wcwidth through Glibc. */
static inline int scry_wcwidth(unsigned int c) { return wcwidth((wchar_t)c); }

/* Draw one grapheme cluster (as wide characters) with attributes and a colour pair. */
static inline int scry_mvadd_cluster(WINDOW *w, int y, int x, const wchar_t *wch, attr_t attrs, short pair) {
    cchar_t c;
    if (setcchar(&c, wch, attrs, pair, NULL) == ERR) return ERR;
    return mvwadd_wch(w, y, x, &c);
}

#endif
