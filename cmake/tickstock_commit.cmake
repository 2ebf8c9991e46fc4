# cmake -DSRC=DIR -DOUT=FILE -P tickstock_commit.cmake: writes FILE defining TICKSTOCK_COMMIT, the
# git commit of DIR ("unknown" outside git), rewriting it only when the commit changed, so that a
# build compiles engine_info.cpp again only then (results.json: engine.commit).
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY "${SRC}"
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET
                RESULT_VARIABLE failed)
if(failed OR commit STREQUAL "")
  set(commit unknown)
endif()
file(CONFIGURE OUTPUT "${OUT}" CONTENT "#define TICKSTOCK_COMMIT \"${commit}\"\n")
