// The parts capture chains are made of: values from the user (device paths, ALSA names)
// quoted for gst-launch text, so that a space, a quote or a '!' in them cannot change the
// pipeline; fragments parsed into bins; elements made and checked.
#pragma once

#include "util/gobj.h"

#include <gst/gst.h>

#include <string>

namespace rp::media {

// `value` as one gst-launch property value: in double quotes, with '"' and '\' escaped.
// gst_parse hands the element exactly `value` back.
std::string pipeline_value(const std::string& value);

// `name=VALUE` with VALUE quoted; "" when value is empty (the element's default).
std::string pipeline_property(const std::string& name, const std::string& value);

// Parses a gst-launch fragment into a bin with ghost pads, sunk (ours until a bin takes it);
// empty and *error on failure.
GstPtr<GstElement> make_bin(const std::string& description, std::string* error);

// An element of `factory`, sunk (ours until a bin takes it); empty and *error when the
// factory is missing.
GstPtr<GstElement> make_element(const char* factory, const char* name, std::string* error);

}  // namespace rp::media
