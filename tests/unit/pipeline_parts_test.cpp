// Values from the user in gst-launch text: quoted, and handed back to the element unchanged.
#include "media/pipeline_parts.h"
#include "media/audio_chain.h"
#include "media/encoder_fragments.h"
#include "media/preset.h"
#include "util/gobj.h"

#include <gst/gst.h>
#include <gtest/gtest.h>

namespace {

using rp::CapsPtr;
using rp::GErrorPtr;
using rp::GstPtr;
using rp::media::pipeline_property;
using rp::media::pipeline_value;

// Names with what gst-launch syntax treats specially: spaces, quotes, backslashes, '!', ','.
const std::vector<std::string> kAwkward = {
    "hw:CARD=USB Audio,DEV=0",
    "/dev/v4l/by-id/usb-Cam \"Pro\" 1080p-video-index0",
    "C:\\odd\\path",
    "ends in a backslash\\",
    "\\\"",
    "a ! fakesink name=evil",
    "plain",
    "unicode: caméra ü",
};

class PipelineParts : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gst_init(nullptr, nullptr); }

    // The string property `prop` of the element that `description` parses into.
    static std::string parsed(const std::string& description, const char* prop) {
        GError* err = nullptr;
        GstElement* made = gst_parse_launch(description.c_str(), &err);
        GErrorPtr error(err);
        EXPECT_EQ(err, nullptr) << description << ": " << (err ? err->message : "");
        if (!made) return "<nothing>";
        GstPtr<GstElement> e(GST_ELEMENT(gst_object_ref_sink(made)));
        if (GST_IS_BIN(e.get())) return "<a bin: the value split the description>";
        gchar* value = nullptr;
        g_object_get(e.get(), prop, &value, nullptr);
        return rp::take_string(value);
    }

    // The string property `prop` of the element of `factory` inside `bin`.
    static std::string property_in(GstElement* bin, const char* factory, const char* prop) {
        std::string found = std::string("<no ") + factory + ">";
        rp::IteratorPtr it(gst_bin_iterate_recurse(GST_BIN(bin)));
        GValue item = G_VALUE_INIT;
        while (gst_iterator_next(it.get(), &item) == GST_ITERATOR_OK) {
            auto* e = GST_ELEMENT(g_value_get_object(&item));
            GstElementFactory* f = gst_element_get_factory(e);
            if (f && g_strcmp0(gst_plugin_feature_get_name(f), factory) == 0) {
                gchar* value = nullptr;
                g_object_get(e, prop, &value, nullptr);
                found = rp::take_string(value);
            }
            g_value_reset(&item);
        }
        g_value_unset(&item);
        return found;
    }

    static bool have(const char* factory) {
        return GstPtr<GstElementFactory>(gst_element_factory_find(factory)) != nullptr;
    }
};

TEST_F(PipelineParts, ValueIsQuotedAndEscaped) {
    EXPECT_EQ(pipeline_value("plain"), "\"plain\"");
    EXPECT_EQ(pipeline_value("hw:CARD=USB Audio,DEV=0"), "\"hw:CARD=USB Audio,DEV=0\"");
    EXPECT_EQ(pipeline_value("say \"hi\""), "\"say \\\"hi\\\"\"");
    EXPECT_EQ(pipeline_value("a\\b"), "\"a\\\\b\"");
    EXPECT_EQ(pipeline_value(""), "\"\"");
}

TEST_F(PipelineParts, PropertyIsEmptyWithoutValue) {
    EXPECT_EQ(pipeline_property("device", ""), "");
    EXPECT_EQ(pipeline_property("device", "/dev/video0"), "device=\"/dev/video0\"");
}

TEST_F(PipelineParts, ParsedValueIsTheOriginal) {
    for (const auto& name : kAwkward)
        EXPECT_EQ(parsed("filesrc " + pipeline_property("location", name), "location"), name)
            << name;
}

TEST_F(PipelineParts, AlsaCardNameWithSpaces) {
    if (!have("alsasrc")) GTEST_SKIP() << "no alsasrc (gstreamer1.0-alsa)";
    for (const auto& name : kAwkward)
        EXPECT_EQ(parsed("alsasrc " + pipeline_property("device", name), "device"), name) << name;
}

TEST_F(PipelineParts, CameraPlaceholderKeepsTheDevice) {
    if (!have("v4l2src")) GTEST_SKIP() << "no v4l2src";
    rp::media::Options cfg;
    const std::string device = "/dev/v4l/by-id/usb-My Cam \"HD\"-video-index0";
    auto vars = rp::media::video_placeholders(cfg, {"v4l2", device});
    std::string source;
    ASSERT_TRUE(rp::media::expand("v4l2src {device}", vars, source, nullptr));
    EXPECT_EQ(parsed(source, "device"), device);
    ASSERT_TRUE(rp::media::expand("{camera}", vars, source, nullptr));
    // As the chain is built: gst-launch text cannot end in caps.
    source += " ! identity";
    GError* err = nullptr;
    GstElement* made = gst_parse_launch(source.c_str(), &err);
    GErrorPtr error(err);
    ASSERT_NE(made, nullptr) << source;
    EXPECT_EQ(err, nullptr) << source << ": " << err->message;
    GstPtr<GstElement> bin(GST_ELEMENT(gst_object_ref_sink(made)));
    EXPECT_EQ(property_in(bin.get(), "v4l2src", "device"), device);
}

// --audio alsa:"hw:CARD=USB Audio,DEV=0" builds an alsasrc whose device is that name, in the
// built-in chain and through --audio-pipeline's {device}.
TEST_F(PipelineParts, AudioChainKeepsTheDevice) {
    for (const char* f : {"alsasrc", "opusenc", "audioconvert", "audioresample", "tee"})
        if (!have(f)) GTEST_SKIP() << "no " << f;
    const std::string device = "hw:CARD=USB Audio,DEV=0";
    for (const std::string fragment : {"", "alsasrc {device}"}) {
        rp::media::Options cfg;
        cfg.audio_pipeline = fragment;
        GstPtr<GstElement> pipeline(GST_ELEMENT(gst_object_ref_sink(gst_pipeline_new(nullptr))));
        std::string error;
        auto chain = rp::media::build_audio_chain(GST_BIN(pipeline.get()), cfg, {"alsa", device},
                                                  {}, &error);
        ASSERT_TRUE(chain && chain->tee) << fragment << ": " << error;
        EXPECT_EQ(property_in(pipeline.get(), "alsasrc", "device"), device) << fragment;
    }
}

}  // namespace
