# The conformance programs: one per tests/conformance/<area>_<what>.c, by
# name. Read by this folder's build, which makes them, and by boot/'s,
# which packs them into the shell's archive (the Pi card's suite).
file(GLOB conformance_sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/conformance/*_*.c)
set(conformance_programs "")
foreach(source ${conformance_sources})
    get_filename_component(name ${source} NAME_WE)
    list(APPEND conformance_programs ${name})
endforeach()
