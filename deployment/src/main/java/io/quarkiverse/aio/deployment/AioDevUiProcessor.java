package io.quarkiverse.aio.deployment;

import io.quarkiverse.aio.runtime.AioDevUiService;
import io.quarkus.deployment.IsLocalDevelopment;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.devui.spi.JsonRPCProvidersBuildItem;
import io.quarkus.devui.spi.page.CardPageBuildItem;
import io.quarkus.devui.spi.page.Page;

/** The Dev UI card: the context's live figures (dev mode only). */
class AioDevUiProcessor {

    @BuildStep(onlyIf = IsLocalDevelopment.class)
    CardPageBuildItem card() {
        CardPageBuildItem card = new CardPageBuildItem();
        card.addPage(Page.webComponentPageBuilder()
                .title("Live figures")
                .icon("font-awesome-solid:gauge-high")
                .componentLink("qwc-aio-figures.js"));
        return card;
    }

    @BuildStep(onlyIf = IsLocalDevelopment.class)
    JsonRPCProvidersBuildItem figuresService() {
        return new JsonRPCProvidersBuildItem(AioDevUiService.class);
    }
}
