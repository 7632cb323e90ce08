// spec "Sending": templates with {first_name}, {last_name}, {business_name}.
#include <gtest/gtest.h>

#include "msgcenter/core/render.hpp"

namespace msgcenter {
namespace {

const template_vars kVars{"Zo\xC3\xAB", "Smith", "Acme Spa"};

TEST(Render, EveryVariable_IsReplaced) {
  EXPECT_EQ(render_template("Hi {first_name} {last_name}, {business_name} here.", kVars),
            "Hi Zo\xC3\xAB Smith, Acme Spa here.");
}

TEST(Render, RepeatedAndAdjacentVariables_AreAllReplaced) {
  EXPECT_EQ(render_template("{first_name}{first_name} {last_name}{business_name}", kVars),
            "Zo\xC3\xAB"
            "Zo\xC3\xAB SmithAcme Spa");
}

TEST(Render, TextWithoutVariables_IsUnchanged) {
  EXPECT_EQ(render_template("See you at 5!", kVars), "See you at 5!");
  EXPECT_EQ(render_template("", kVars), "");
}

TEST(Render, UnknownOrMalformedBraces_StayAsWritten) {
  for (const char* body : {"{price}", "{First_Name}", "{ first_name }", "{first_name",
                           "first_name}", "{", "}", ":-}", "{{}}", "{business}"})
    EXPECT_EQ(render_template(body, kVars), body) << body;
}

TEST(Render, BraceBeforeAVariable_IsKeptAndTheVariableReplaced) {
  EXPECT_EQ(render_template("{{first_name}}", kVars), "{Zo\xC3\xAB}");
  EXPECT_EQ(render_template("{x} {last_name}", kVars), "{x} Smith");
}

TEST(Render, EmptyValue_RendersAsNothing) {
  EXPECT_EQ(render_template("Hi {first_name}!", template_vars{}), "Hi !");
}

TEST(Render, ValueContainingAVariable_IsNotExpandedAgain) {
  template_vars v{"{last_name}", "Smith", "{first_name}"};
  EXPECT_EQ(render_template("{first_name} / {business_name}", v), "{last_name} / {first_name}");
}

TEST(Render, VariableAtEndOfBody_IsReplaced) {
  EXPECT_EQ(render_template("Thanks, {business_name}", kVars), "Thanks, Acme Spa");
}

}  // namespace
}  // namespace msgcenter
