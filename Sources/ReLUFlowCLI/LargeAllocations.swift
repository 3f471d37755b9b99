#if canImport(Glibc)
import Glibc
#endif

/// How this process asks for large blocks of memory.
///
/// glibc's malloc raises its mmap threshold after a large block is freed (up to 32 MB), so
/// that later large buffers (a run's function-sized ones, 8 MB per million switching
/// functions) come from the heap instead: there freeing them does not give the memory back
/// (the run files are then built on top of the engine's), and `calloc` must clear reused
/// memory, making resident the pages of buffers the engine only ever writes a few entries
/// of (`ScratchBuffers`). With the threshold fixed at 1 MB (a function-sized buffer of
/// 125,000 functions), every such buffer is mapped on its own: untouched pages never
/// count, freed ones go back; smaller blocks, such as a step's scratch arrays, still come
/// from the heap (mapping each would cost a system call and its page faults every step).
/// L (n = m = 1000) peaks at 96 MB so rather than 109 MB.
enum LargeAllocations {
    static func mapEachOnItsOwn() {
        #if canImport(Glibc)
        // mallopt and M_MMAP_THRESHOLD (−3) are in malloc.h, which Swift's Glibc module
        // leaves out; the function is looked up among the loaded ones (RTLD_DEFAULT).
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mmapThreshold: Int32 = -3
        guard let mallopt = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(mallopt, to: Mallopt.self)(mmapThreshold, 1 << 20)
        #endif
    }
}
