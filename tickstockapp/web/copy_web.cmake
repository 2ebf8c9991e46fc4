# Copies the dashboard's files next to the binary: web/public as it is, and the charting
# library's standalone build with its licence and notice from web/node_modules (installed by
# `npm ci` in scripts/deps.sh). Run at every build; copies only what changed.
file(GLOB_RECURSE files RELATIVE "${SRC}/public" "${SRC}/public/*")
foreach(f IN LISTS files)
  configure_file("${SRC}/public/${f}" "${OUT}/${f}" COPYONLY)
endforeach()
set(lwc "${SRC}/node_modules/lightweight-charts")
if(EXISTS "${lwc}/dist/lightweight-charts.standalone.production.js")
  configure_file("${lwc}/dist/lightweight-charts.standalone.production.js"
                 "${OUT}/vendor/lightweight-charts.standalone.production.js" COPYONLY)
  foreach(f LICENSE NOTICE)
    if(EXISTS "${lwc}/${f}")
      configure_file("${lwc}/${f}" "${OUT}/vendor/lightweight-charts.${f}" COPYONLY)
    endif()
  endforeach()
else()
  message(WARNING "web/node_modules/lightweight-charts is missing (run scripts/deps.sh): "
                  "the dashboard has no charts")
endif()
