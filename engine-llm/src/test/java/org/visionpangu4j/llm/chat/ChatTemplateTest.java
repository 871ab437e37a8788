package org.visionpangu4j.llm.chat;

import org.junit.jupiter.api.Test;
import org.visionpangu4j.core.ModelFormatException;
import org.visionpangu4j.core.UnsupportedModelException;
import org.visionpangu4j.core.VisionPanguException;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatTemplateTest {
    final ChatTemplate t = new OpenPanguTemplate();

    @Test
    void singleTurnWithoutSystemGetsAnEmptySystemTurn() {
        assertEquals("[unused9]系统：[unused10][unused9]用户：你好[unused10][unused9]助手：",
                t.render(List.of(Message.user("你好")), true));
    }

    @Test
    void colonIsFullWidth() {
        String s = t.render(List.of(Message.user("q")), true);
        assertTrue(s.contains("系统\uFF1A") && s.contains("用户\uFF1A") && s.contains("助手\uFF1A"));
        assertTrue(!s.contains(":") && !s.contains("\n"));
    }

    @Test
    void multiTurnWithAllRoles() {
        List<Message> msgs = List.of(
                Message.system("S"),
                Message.user("U1"),
                Message.assistant("A1"),
                new Message(Role.TOOL, "T"),
                new Message(Role.FUNCTION, "F"),
                Message.user("U2"));
        assertEquals("[unused9]系统：S[unused10][unused9]用户：U1[unused10][unused9]助手：A1[unused10]"
                + "[unused9]工具：T[unused10][unused9]方法：F[unused10][unused9]用户：U2[unused10]",
                t.render(msgs, false));
        assertEquals(t.render(msgs, false) + "[unused9]助手：", t.render(msgs, true));
    }

    @Test
    void emptySystemMessageIsKeptAsIs() {
        assertEquals("[unused9]系统：[unused10][unused9]用户：x[unused10]",
                t.render(List.of(Message.system(""), Message.user("x")), false));
    }

    @Test
    void rolesParseFromWireNames() {
        for (Role r : Role.values()) {
            assertEquals(r, Role.of(r.wireName()));
        }
        assertThrows(VisionPanguException.class, () -> Role.of("narrator"));
    }

    @Test
    void unknownTemplateIsRefusedWithTheSupportedList() {
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> ChatTemplates.forName("internvl2_5"));
        assertTrue(e.getMessage().contains("internvl2_5") && e.getMessage().contains("openpangu"), e.getMessage());
        assertInstanceOf(ModelFormatException.class, assertThrows(VisionPanguException.class,
                () -> ChatTemplates.forName(" ")));
        assertEquals("openpangu", ChatTemplates.forName("openpangu").name());
    }

    @Test
    void responseIsCutAtEndOfTurnAndStrippedLikePython() {
        assertEquals("abc", t.response(" \u00A0abc\u3000[unused10]ignored"));
        assertEquals("a b", t.response("\n a b \t"));
        assertEquals("", t.response("[unused10]x"));
    }
}
