#ifndef PORTDOC_SYSTEM_H
#define PORTDOC_SYSTEM_H

#include <spawn.h>

/// Atomically exchanges two paths (Linux renameat2 with RENAME_EXCHANGE): both must exist.
/// Returns 0, or -1 with errno set (EINVAL or ENOSYS where the file system or kernel cannot).
int portdoc_exchange(const char *a, const char *b);

/// A pipe whose two ends are close-on-exec (Linux pipe2 with O_CLOEXEC), so that a tool started
/// by another thread never inherits it. Returns 0, or -1 with errno set.
int portdoc_pipe_cloexec(int fds[2]);

/// Makes a spawned process start in `path` (glibc's posix_spawn_file_actions_addchdir_np, which
/// Swift's Glibc module does not declare). Returns 0 or an error number.
int portdoc_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// Gives the heap's free pages back to the system (glibc's malloc_trim, which Swift's Glibc
/// module does not declare). Returns 1 when memory was released.
int portdoc_release_free_memory(void);

#endif
