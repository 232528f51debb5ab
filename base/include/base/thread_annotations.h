// Clang's thread-safety attributes under LEDGER_ names: which lock guards a member, which locks a
// function needs held or must not hold, and which functions take or give one up. Under clang,
// -Wthread-safety (scripts/check_thread_safety.sh) checks them at compile time; under other
// compilers (the main build is g++) they expand to nothing.
//
// The locks the annotations name are base/mutex.h's (std::mutex is not annotated in libstdc++,
// so a lock_guard on one is invisible to the analysis). In brief:
//   Mutex mu_;
//   int count_ LEDGER_GUARDED_BY(mu_);       // read or written only with mu_ held
//   void Bump() LEDGER_EXCLUDES(mu_);         // takes mu_ itself
//   void BumpLocked() LEDGER_REQUIRES(mu_);   // the caller holds mu_
// The analysis is intraprocedural: a function's annotations are its contract, and each body is
// checked against the contracts of what it calls. Lambdas are separate functions that hold
// nothing, so a condition variable's wait is written as a loop in the function that holds the lock.
#ifndef BASE_THREAD_ANNOTATIONS_H_
#define BASE_THREAD_ANNOTATIONS_H_

#if defined(__clang__)
#define LEDGER_THREAD_ANNOTATION_(x) __attribute__((x))
#else
#define LEDGER_THREAD_ANNOTATION_(x)
#endif

// On a class: its objects are locks ("mutex" names the kind in diagnostics).
#define LEDGER_CAPABILITY(kind) LEDGER_THREAD_ANNOTATION_(capability(kind))

// On a class: an RAII holder that acquires in its constructor and releases in its destructor.
#define LEDGER_SCOPED_CAPABILITY LEDGER_THREAD_ANNOTATION_(scoped_lockable)

// On a data member or global: read with `lock` held (shared or exclusive), written with it held
// exclusively.
#define LEDGER_GUARDED_BY(lock) LEDGER_THREAD_ANNOTATION_(guarded_by(lock))

// On a pointer: the pointee (not the pointer itself) is guarded by `lock`.
#define LEDGER_PT_GUARDED_BY(lock) LEDGER_THREAD_ANNOTATION_(pt_guarded_by(lock))

// On a lock: acquired only after (or before) the given locks, the order that avoids deadlock.
#define LEDGER_ACQUIRED_AFTER(...) LEDGER_THREAD_ANNOTATION_(acquired_after(__VA_ARGS__))
#define LEDGER_ACQUIRED_BEFORE(...) LEDGER_THREAD_ANNOTATION_(acquired_before(__VA_ARGS__))

// On a function: the caller holds the locks, exclusively or at least shared, on entry and exit.
#define LEDGER_REQUIRES(...) LEDGER_THREAD_ANNOTATION_(requires_capability(__VA_ARGS__))
#define LEDGER_REQUIRES_SHARED(...) \
  LEDGER_THREAD_ANNOTATION_(requires_shared_capability(__VA_ARGS__))

// On a function: it takes the locks (none held on entry, held on return) or gives them up. With no
// argument, on a lock's own methods: the lock is `this`.
#define LEDGER_ACQUIRE(...) LEDGER_THREAD_ANNOTATION_(acquire_capability(__VA_ARGS__))
#define LEDGER_ACQUIRE_SHARED(...) LEDGER_THREAD_ANNOTATION_(acquire_shared_capability(__VA_ARGS__))
#define LEDGER_RELEASE(...) LEDGER_THREAD_ANNOTATION_(release_capability(__VA_ARGS__))
#define LEDGER_RELEASE_SHARED(...) LEDGER_THREAD_ANNOTATION_(release_shared_capability(__VA_ARGS__))

// On a function: it takes the locks if and only if it returns `result` (true or false).
#define LEDGER_TRY_ACQUIRE(...) LEDGER_THREAD_ANNOTATION_(try_acquire_capability(__VA_ARGS__))
#define LEDGER_TRY_ACQUIRE_SHARED(...) \
  LEDGER_THREAD_ANNOTATION_(try_acquire_shared_capability(__VA_ARGS__))

// On a function: the caller must not hold the locks (the function takes them itself).
#define LEDGER_EXCLUDES(...) LEDGER_THREAD_ANNOTATION_(locks_excluded(__VA_ARGS__))

// On a function: it checks at run time that the lock is held; the analysis then assumes it is.
#define LEDGER_ASSERT_CAPABILITY(lock) LEDGER_THREAD_ANNOTATION_(assert_capability(lock))

// On a function: it returns a reference to the given lock (an accessor the analysis can see
// through).
#define LEDGER_RETURN_CAPABILITY(lock) LEDGER_THREAD_ANNOTATION_(lock_returned(lock))

// On a function: its body is not checked. Only where the analysis cannot follow correct code, with
// a one-line reason beside it; its callers are still checked against its other annotations.
#define LEDGER_NO_THREAD_SAFETY_ANALYSIS LEDGER_THREAD_ANNOTATION_(no_thread_safety_analysis)

#endif  // BASE_THREAD_ANNOTATIONS_H_
