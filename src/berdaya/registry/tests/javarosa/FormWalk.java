// Fills an XForm with JavaRosa, the form engine of ODK Collect (bundled in ODK Validate's
// jar with pyxform), and says which questions it showed and which answers it refused.
//
//   java -cp ODK_Validate.jar FormWalk.java form.xml scenarios.txt
//
// scenarios.txt: blocks separated by a line "end"; in a block, "h<TAB>name<TAB>value"
// answers a question outside the members repeat, "member" starts the next member and
// "m<TAB>name<TAB>value" answers a question of that member. Output, per block:
// "shown<TAB>member<TAB>name" (member -1 outside the repeat), "refused<TAB>member<TAB>name",
// "required<TAB>member<TAB>name" (a required question left empty), then "end".

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.javarosa.core.model.FormDef;
import org.javarosa.core.model.data.AnswerDataFactory;
import org.javarosa.core.model.data.IAnswerData;
import org.javarosa.core.model.data.UncastData;
import org.javarosa.core.model.instance.InstanceInitializationFactory;
import org.javarosa.form.api.FormEntryController;
import org.javarosa.form.api.FormEntryModel;
import org.javarosa.form.api.FormEntryPrompt;
import org.javarosa.xform.util.XFormUtils;

public class FormWalk {
    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Paths.get(args[1]));
        Map<String, String> household = new HashMap<>();
        List<Map<String, String>> members = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            if (line.equals("end")) {
                walk(args[0], household, members, out);
                household = new HashMap<>();
                members = new ArrayList<>();
            } else if (line.equals("member")) {
                members.add(new HashMap<>());
            } else if (!line.isEmpty()) {
                String[] parts = line.split("\t", 3);
                Map<String, String> scope = parts[0].equals("h") ? household : members.get(members.size() - 1);
                scope.put(parts[1], parts.length > 2 ? parts[2] : "");
            }
        }
        System.out.print(out);
    }

    static void walk(String path, Map<String, String> household, List<Map<String, String>> members,
                     StringBuilder out) throws Exception {
        FormDef form = XFormUtils.getFormFromInputStream(new FileInputStream(path));
        form.initialize(true, new InstanceInitializationFactory());
        FormEntryModel model = new FormEntryModel(form);
        FormEntryController controller = new FormEntryController(model);
        int member = -1;
        for (int event = controller.stepToNextEvent(); event != FormEntryController.EVENT_END_OF_FORM;
             event = controller.stepToNextEvent()) {
            String reference = model.getFormIndex().getReference() == null ? ""
                    : model.getFormIndex().getReference().toString(false);
            if (event == FormEntryController.EVENT_REPEAT) {
                member++;
                continue;
            }
            if (event != FormEntryController.EVENT_QUESTION) {
                continue;
            }
            boolean inRepeat = reference.contains("/anggota/");
            int who = inRepeat ? member : -1;
            Map<String, String> scope = inRepeat
                    ? (member < members.size() ? members.get(member) : new HashMap<>()) : household;
            FormEntryPrompt prompt = model.getQuestionPrompt();
            String name = prompt.getIndex().getReference().getNameLast();
            out.append("shown\t").append(who).append('\t').append(name).append('\n');
            String value = scope.get(name);
            if (value != null && !value.isEmpty()) {
                IAnswerData data = AnswerDataFactory.templateByDataType(prompt.getDataType())
                        .cast(new UncastData(value));
                int result = controller.answerQuestion(data, true);
                if (result == FormEntryController.ANSWER_CONSTRAINT_VIOLATED) {
                    out.append("refused\t").append(who).append('\t').append(name).append('\n');
                }
            } else if (prompt.isRequired() && prompt.getAnswerValue() == null) {
                out.append("required\t").append(who).append('\t').append(name).append('\n');
            }
        }
        out.append("end\n");
    }
}
