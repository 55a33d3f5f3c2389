# The conformance programs: one per tests/conformance/<area>_<what>.c, by
# name. Read by this folder's build, which makes them, and by boot/'s,
# which packs them into the shell's archive (the Pi card's suite).
file(GLOB conformance_sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/conformance/*_*.c)
set(conformance_programs "")
foreach(source ${conformance_sources})
    get_filename_component(name ${source} NAME_WE)
    list(APPEND conformance_programs ${name})
endforeach()

# The order for a run in one boot (the on-target suite's, which has no
# reruns). Servers keep some memory once used (memfd keeps what it
# borrowed, for reuse; pipe and vfs keep their pools' high-water marks:
# docs/limits.md), so process_many, whose 150 processes need the most
# memory at once, runs first, and memory_memfd_large, which leaves the
# most lent to memfd, last: on a 1 GiB raspi3b, process_many did not fit
# after the rest.
list(REMOVE_ITEM conformance_programs process_many memory_memfd_large)
list(PREPEND conformance_programs process_many)
list(APPEND conformance_programs memory_memfd_large)
