// A staff member's inbox as a human-readable table (for demos and the terminal).
#pragma once

#include <ostream>
#include <string>

#include "msgcenter/message_center.hpp"

namespace msgcenter::cli {

/// Prints the badge and the first page of `staff`'s inbox of `business`.
void print_inbox(std::ostream& out, message_center& engine, const std::string& business,
                 const std::string& staff);

}  // namespace msgcenter::cli
