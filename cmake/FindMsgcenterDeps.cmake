# Finds the Debian libraries msgcenter links besides CAF, as imported targets:
#   msgcenter_deps::lmdb, ::phonenumber, ::utf8proc, ::icu (ICU i18n + uc, for time zones),
#   ::xxhash (XXH3 fingerprints).
# msgpack-c (libmsgpack-cxx-dev) and nlohmann-json are header-only and found by path.
include(FindPackageHandleStandardArgs)
find_path(LMDB_INCLUDE_DIR lmdb.h)
find_library(LMDB_LIBRARY lmdb)
find_path(PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumberutil.h)
find_library(PHONENUMBER_LIBRARY phonenumber)
# libphonenumber's headers expose protobuf types (typeinfo needed under UBSan).
find_library(PROTOBUF_LIBRARY protobuf)
find_path(UTF8PROC_INCLUDE_DIR utf8proc.h)
find_library(UTF8PROC_LIBRARY utf8proc)
find_path(MSGPACK_INCLUDE_DIR msgpack.hpp)
find_path(NLOHMANN_JSON_INCLUDE_DIR nlohmann/json.hpp)
find_path(XXHASH_INCLUDE_DIR xxhash.h)
find_library(XXHASH_LIBRARY xxhash)
find_package(ICU COMPONENTS i18n uc QUIET)
find_package_handle_standard_args(MsgcenterDeps REQUIRED_VARS
  LMDB_INCLUDE_DIR LMDB_LIBRARY PHONENUMBER_INCLUDE_DIR PHONENUMBER_LIBRARY
  UTF8PROC_INCLUDE_DIR UTF8PROC_LIBRARY PROTOBUF_LIBRARY MSGPACK_INCLUDE_DIR NLOHMANN_JSON_INCLUDE_DIR XXHASH_INCLUDE_DIR XXHASH_LIBRARY ICU_FOUND)
if(MsgcenterDeps_FOUND AND NOT TARGET msgcenter_deps::lmdb)
  add_library(msgcenter_deps::lmdb UNKNOWN IMPORTED)
  set_target_properties(msgcenter_deps::lmdb PROPERTIES IMPORTED_LOCATION "${LMDB_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LMDB_INCLUDE_DIR}")
  add_library(msgcenter_deps::phonenumber UNKNOWN IMPORTED)
  set_target_properties(msgcenter_deps::phonenumber PROPERTIES IMPORTED_LOCATION "${PHONENUMBER_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${PHONENUMBER_INCLUDE_DIR}" INTERFACE_LINK_LIBRARIES "${PROTOBUF_LIBRARY}")
  add_library(msgcenter_deps::utf8proc UNKNOWN IMPORTED)
  set_target_properties(msgcenter_deps::utf8proc PROPERTIES IMPORTED_LOCATION "${UTF8PROC_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${UTF8PROC_INCLUDE_DIR}")
  add_library(msgcenter_deps::icu INTERFACE IMPORTED)
  set_target_properties(msgcenter_deps::icu PROPERTIES INTERFACE_LINK_LIBRARIES "ICU::i18n;ICU::uc")
  add_library(msgcenter_deps::xxhash UNKNOWN IMPORTED)
  set_target_properties(msgcenter_deps::xxhash PROPERTIES IMPORTED_LOCATION "${XXHASH_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${XXHASH_INCLUDE_DIR}")
  add_library(msgcenter_deps::headers INTERFACE IMPORTED)
  set_target_properties(msgcenter_deps::headers PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${MSGPACK_INCLUDE_DIR};${NLOHMANN_JSON_INCLUDE_DIR}"
    INTERFACE_COMPILE_DEFINITIONS "MSGPACK_NO_BOOST")
endif()
