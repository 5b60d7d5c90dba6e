#ifndef PORTDOC_SYSTEM_H
#define PORTDOC_SYSTEM_H

/// Atomically exchanges two paths (Linux renameat2 with RENAME_EXCHANGE): both must exist.
/// Returns 0, or -1 with errno set (EINVAL or ENOSYS where the file system or kernel cannot).
int portdoc_exchange(const char *a, const char *b);

#endif
